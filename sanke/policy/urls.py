from django.urls import path

from sanke.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("regions/<int:region_pk>/", views.policy_edit, name="policy_edit"),
]

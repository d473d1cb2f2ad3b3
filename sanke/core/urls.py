from django.urls import path

from sanke.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("status/", views.status, name="status"),
]

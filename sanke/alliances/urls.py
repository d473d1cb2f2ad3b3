from django.urls import path

from sanke.alliances import views

app_name = "alliances"

urlpatterns = [
    path("", views.alliance_list, name="list"),
    path("new/", views.alliance_create, name="create"),
    path("<int:pk>/", views.alliance_detail, name="detail"),
    path("<int:pk>/edit/", views.alliance_edit, name="edit"),
    path("<int:pk>/schedule/", views.alliance_schedule, name="schedule"),
    path("<int:pk>/accept/", views.alliance_accept, name="accept"),
    path("<int:alliance_pk>/series/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("regions/<int:region_pk>/schedule/", views.region_schedule, name="region_schedule"),
]

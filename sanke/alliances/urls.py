"""Alliance routes. The series and scheduling pages of an alliance share this namespace but are timetable's
(``sanke.timetable.urls.alliance_urlpatterns``, added by the root URLconf)."""

from django.urls import path

from sanke.alliances import views

app_name = "alliances"

urlpatterns = [
    path("", views.alliance_list, name="list"),
    path("new/", views.alliance_create, name="create"),
    path("<int:pk>/edit/", views.alliance_edit, name="edit"),
]

"""Timetable routes: set-up pages (terms, period grids, class timetables) and views (grids, lessons)."""

from sanke.timetable.urls_setup import urlpatterns as setup_urlpatterns
from sanke.timetable.urls_views import urlpatterns as view_urlpatterns

app_name = "timetable"

urlpatterns = [*setup_urlpatterns, *view_urlpatterns]

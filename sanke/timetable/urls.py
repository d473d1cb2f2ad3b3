"""Timetable routes: set-up pages (terms, period grids, class timetables), views (week grids, the lessons of a
day, one lesson, iCal feeds), and the series and scheduling pages of an alliance.

The last ones keep their first addresses and names under /alliances/ (``alliances:detail`` etc.): the root
URLconf adds ``alliance_urlpatterns`` to the alliances namespace, since alliances (a layer below) cannot route
to timetable's views."""

from django.urls import path

from sanke.timetable.views import feeds, lessons, series, setup, weeks

app_name = "timetable"

urlpatterns = [
    # set-up
    path("schools/<int:school_pk>/terms/", setup.term_list, name="term_list"),
    path("terms/<int:pk>/edit/", setup.term_edit, name="term_edit"),
    path("schools/<int:school_pk>/periods/", setup.period_grid, name="period_grid"),
    path("classes/<int:pk>/edit/", setup.class_edit, name="class_edit"),
    path("classes/<int:class_pk>/entries/new/", setup.entry_create, name="entry_create"),
    path("entries/<int:pk>/edit/", setup.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", setup.entry_delete, name="entry_delete"),
    # week grids, the day, a lesson, feeds
    path("schools/<int:pk>/", weeks.school_week, name="school"),
    path("classes/<int:pk>/", weeks.class_week, name="class"),
    path("teachers/<int:pk>/", weeks.teacher_week, name="teacher"),
    path("classrooms/<int:pk>/", weeks.classroom_week, name="classroom"),
    path("alliances/<int:pk>/", weeks.alliance_week, name="alliance"),
    path("today/", lessons.day_lessons, name="today"),
    path("lessons/<int:pk>/", lessons.lesson_detail, name="lesson"),
    path("lessons/<int:pk>/move/", lessons.lesson_move, name="lesson_move"),
    path("lessons/<int:pk>/cancel/", lessons.lesson_cancel, name="lesson_cancel"),
    path("lessons/<int:pk>/move-request/", lessons.lesson_move_request, name="lesson_move_request"),
    path("move-requests/<int:pk>/decide/", lessons.move_request_decide, name="move_request_decide"),
    path("ical/<str:token>.ics", feeds.ical_feed, name="ical"),
    path("ical/reset/", feeds.reset_links, name="ical_reset"),
    path(
        "classrooms/<int:classroom_pk>/ical/reset/",
        feeds.reset_classroom_links,
        name="ical_reset_classroom",
    ),
]

# Mounted under /alliances/ in the alliances namespace (see the module docstring).
alliance_urlpatterns = [
    path("<int:pk>/", series.alliance_detail, name="detail"),
    path("<int:pk>/schedule/", series.alliance_schedule, name="schedule"),
    path("<int:pk>/accept/", series.alliance_accept, name="accept"),
    path("<int:alliance_pk>/series/new/", series.series_create, name="series_create"),
    path("series/<int:pk>/edit/", series.series_edit, name="series_edit"),
    path("regions/<int:region_pk>/schedule/", series.region_schedule, name="region_schedule"),
    path("schedule-jobs/<int:pk>/", series.schedule_job, name="schedule_job"),
    path("schedule-jobs/<int:pk>/status/", series.schedule_job_status, name="schedule_job_status"),
]

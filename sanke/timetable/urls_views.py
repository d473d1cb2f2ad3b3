"""Routes of the timetable views: week grids, the lessons of a day, one lesson, iCal feeds."""

from django.urls import path

from sanke.timetable import views

urlpatterns = [
    path("schools/<int:pk>/", views.school_week, name="school"),
    path("classes/<int:pk>/", views.class_week, name="class"),
    path("teachers/<int:pk>/", views.teacher_week, name="teacher"),
    path("classrooms/<int:pk>/", views.classroom_week, name="classroom"),
    path("alliances/<int:pk>/", views.alliance_week, name="alliance"),
    path("today/", views.day_lessons, name="today"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("lessons/<int:pk>/move/", views.lesson_move, name="lesson_move"),
    path("lessons/<int:pk>/cancel/", views.lesson_cancel, name="lesson_cancel"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
]

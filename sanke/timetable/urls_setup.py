"""Routes of the timetable set-up pages (included under /timetable/, namespace ``timetable``)."""

from django.urls import path

from sanke.timetable import setup_views

urlpatterns = [
    path("schools/<int:school_pk>/terms/", setup_views.term_list, name="term_list"),
    path("terms/<int:pk>/edit/", setup_views.term_edit, name="term_edit"),
    path("schools/<int:school_pk>/periods/", setup_views.period_grid, name="period_grid"),
    path("classes/<int:pk>/edit/", setup_views.class_edit, name="class_edit"),
    path("classes/<int:class_pk>/entries/new/", setup_views.entry_create, name="entry_create"),
    path("entries/<int:pk>/edit/", setup_views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", setup_views.entry_delete, name="entry_delete"),
]

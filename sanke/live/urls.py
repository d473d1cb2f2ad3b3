from django.urls import path

from sanke.live import views

app_name = "live"

urlpatterns = [
    path("lessons/<int:pk>/", views.lesson_room, name="room"),
    path("lessons/<int:pk>/record/", views.lesson_record, name="record"),
    path("lessons/<int:pk>/media/ticket/", views.media_ticket, name="media_ticket"),
    path("lessons/<int:pk>/media/roster/", views.media_roster, name="media_roster"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("terminal/agenda/", views.terminal_agenda_view, name="terminal_agenda"),
]

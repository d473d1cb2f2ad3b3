from django.urls import path

from sanke.live import views

app_name = "live"

urlpatterns = [
    path("lessons/<int:pk>/", views.lesson_room, name="room"),
    path("lessons/<int:pk>/record/", views.lesson_record, name="record"),
    path("keepalive/", views.keepalive, name="keepalive"),
]

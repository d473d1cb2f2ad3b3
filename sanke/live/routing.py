from django.urls import path

from sanke.live.consumers import LessonConsumer

websocket_urlpatterns = [
    path("ws/lessons/<int:lesson_id>/", LessonConsumer.as_asgi()),
]

from django.urls import path

from sanke.live.consumers import LessonConsumer
from sanke.live.terminal_push import TerminalConsumer

websocket_urlpatterns = [
    path("ws/lessons/<int:lesson_id>/", LessonConsumer.as_asgi()),
    path("ws/terminal/", TerminalConsumer.as_asgi()),
]

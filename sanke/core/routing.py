"""WebSocket routes. The realtime apps (live lessons, notifications) add theirs here."""

from django.urls import path

from sanke.core.consumers import PresenceConsumer

websocket_urlpatterns = [
    path("ws/presence/", PresenceConsumer.as_asgi()),
]

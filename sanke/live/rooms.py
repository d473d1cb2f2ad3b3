"""Django as the control plane of the media server: one Janus VideoRoom per lesson.

The room exists while the lesson is taught; its PIN, derived from the secret key, is given only to the
lesson's participants through their page (media never passes through Python).
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction

from sanke.live.janus import JanusClient, JanusError

log = logging.getLogger(__name__)
ROOM_OFFSET = 100_000  # room numbers of lessons, clear of Janus' demo rooms


def room_id(lesson) -> int:
    return ROOM_OFFSET + lesson.pk


def room_pin(lesson) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"sanke-room:{lesson.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def instance(lesson) -> tuple[str, str]:
    """(API URL, browser WebSocket URL) of the Janus that serves ``lesson``: one per lesson, spread evenly."""
    index = lesson.pk % len(settings.SANKE_JANUS_URLS)
    ws_urls = settings.SANKE_JANUS_WS_URLS or [""] * len(settings.SANKE_JANUS_URLS)
    return settings.SANKE_JANUS_URLS[index], ws_urls[index]


def _client(lesson) -> JanusClient:
    return JanusClient(instance(lesson)[0], api_secret=settings.SANKE_JANUS_API_SECRET)


def ensure_room(lesson, receivers: int) -> dict:
    """Create the lesson's VideoRoom if needed; returns what a participant's page needs to join it."""
    client = _client(lesson)
    rid = room_id(lesson)
    if not client.exists(rid):
        try:
            client.create_room(
                rid, f"lesson {lesson.pk}", publishers=receivers + 2, bitrate=600_000, pin=room_pin(lesson)
            )
        except JanusError as exc:
            if exc.code != 427:  # 427: created meanwhile by another participant's page
                raise
    return {"ws": instance(lesson)[1], "room": rid, "pin": room_pin(lesson)}


def release_room_on_commit(lesson) -> None:
    """Destroy the room after the lesson has ended (best effort: a leftover room expires with Janus)."""

    def release():
        try:
            _client(lesson).destroy_room(room_id(lesson))
        except JanusError as exc:
            log.info("lesson %s: room not destroyed (%s)", lesson.pk, exc)

    if settings.SANKE_JANUS_URL:
        transaction.on_commit(release)

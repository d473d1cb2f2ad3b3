"""Django as the control plane of the media server: one Janus VideoRoom per lesson.

The room exists while the lesson is taught. A participant's page gets what it needs to join, and only that:
a Janus token signed by the platform (valid until an hour after the lesson's end, for the VideoRoom plugin
only) and the room's PIN. Creating rooms needs the VideoRoom admin key, and editing or destroying a lesson's
room its secret; both stay on the server. Media never passes through Python.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sanke.live.media.janus import JanusClient, JanusError, sign_token

log = logging.getLogger(__name__)
ROOM_OFFSET = 100_000  # room numbers of lessons, clear of Janus' demo rooms


def room_id(lesson) -> int:
    return ROOM_OFFSET + lesson.pk


def _keyed(label: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), label.encode(), hashlib.sha256).hexdigest()


def room_pin(lesson) -> str:
    """Needed to join the lesson's room; given to the lesson's participants only."""
    return _keyed(f"sanke-room:{lesson.pk}")[:16]


def room_secret(lesson) -> str:
    """Needed to edit or destroy the lesson's room; never leaves the server."""
    return _keyed(f"sanke-room-secret:{lesson.pk}")


def participant_token(lesson, now=None) -> str:
    """The Janus token of a lesson page: the VideoRoom plugin only, until an hour after the lesson ends."""
    now = now or timezone.now()
    valid = max((lesson.ends_at - now).total_seconds(), 0) + 3600
    return sign_token(settings.SANKE_JANUS_TOKEN_SECRET, valid)


def instance(lesson) -> tuple[str, str]:
    """(API URL, browser WebSocket URL) of the Janus that serves ``lesson``: one per lesson, spread evenly."""
    index = lesson.pk % len(settings.SANKE_JANUS_URLS)
    ws_urls = settings.SANKE_JANUS_WS_URLS or [""] * len(settings.SANKE_JANUS_URLS)
    return settings.SANKE_JANUS_URLS[index], ws_urls[index]


def _client(lesson) -> JanusClient:
    return JanusClient.from_settings(instance(lesson)[0])


def ensure_room(lesson, receivers: int) -> dict:
    """Create the lesson's VideoRoom if needed; returns what a participant's page needs to join it."""
    client = _client(lesson)
    rid = room_id(lesson)
    if not client.exists(rid):
        try:
            client.create_room(
                rid,
                f"lesson {lesson.pk}",
                publishers=receivers + 2,
                bitrate=600_000,
                pin=room_pin(lesson),
                secret=room_secret(lesson),
            )
        except JanusError as exc:
            if exc.code != 427:  # 427: created meanwhile by another participant's page
                raise
    return {
        "ws": instance(lesson)[1],
        "room": rid,
        "pin": room_pin(lesson),
        "token": participant_token(lesson),
    }


def release_room_on_commit(lesson) -> None:
    """Destroy the room after the lesson has ended (best effort: a leftover room expires with Janus)."""

    def release():
        try:
            _client(lesson).destroy_room(room_id(lesson), secret=room_secret(lesson))
        except JanusError as exc:
            log.info("lesson %s: room not destroyed (%s)", lesson.pk, exc)

    if settings.SANKE_JANUS_URL:
        transaction.on_commit(release)

"""Sending lesson events to everyone in the lesson, after the transaction that stored them commits."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def lesson_group(lesson_id: int) -> str:
    return f"lesson.{lesson_id}"


def participant_group(lesson_id: int, key: str) -> str:
    """A personal group per participant (``host`` or ``classroom-<id>``), for signaling messages."""
    return f"lesson.{lesson_id}.{key}"


def event_message(event) -> dict:
    return {
        "type": "lesson.event",
        "event": {
            "seq": event.seq,
            "type": event.type,
            "payload": event.payload,
            "at": event.created_at.isoformat(),
        },
    }


def send_event_on_commit(event) -> None:
    """Broadcast a stored event once it is committed, so nobody hears of an event that was rolled back."""
    message = event_message(event)
    group = lesson_group(event.lesson_id)
    transaction.on_commit(lambda: async_to_sync(get_channel_layer().group_send)(group, message))

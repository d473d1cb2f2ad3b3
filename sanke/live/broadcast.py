"""Sending lesson events to everyone in the lesson, once the transaction that stored them has committed.

One channel-layer message per lesson carries all of that lesson's new events (``lesson.events``), so a
batch written together (live/writer.py) costs one group send per lesson, not one per event.
"""

from __future__ import annotations

import json
from itertools import groupby

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def lesson_group(lesson_id: int) -> str:
    return f"lesson.{lesson_id}"


def participant_group(lesson_id: int, key: str) -> str:
    """A personal group per participant (``host`` or ``classroom-<id>``), for signaling messages."""
    return f"lesson.{lesson_id}.{key}"


def event_data(event) -> dict:
    """What clients receive of an event (and what replaying a lesson reads)."""
    return {
        "seq": event.seq,
        "type": event.type,
        "payload": event.payload,
        "at": event.created_at.isoformat(),
    }


def events_messages(events) -> list[tuple[str, dict]]:
    """(group, message) per lesson of ``events``, each lesson's events in the order they were numbered.

    The WebSocket frames are encoded here, once, instead of by each member's consumer; ``types`` lets a
    consumer react to an event without decoding its frame.
    """
    ordered = sorted(events, key=lambda event: (event.lesson_id, event.seq))
    messages = []
    for lesson_id, lesson_events in groupby(ordered, key=lambda event: event.lesson_id):
        lesson_events = list(lesson_events)
        frames = [
            json.dumps({"type": "event", "event": event_data(e)}, ensure_ascii=False) for e in lesson_events
        ]
        message = {"type": "lesson.events", "frames": frames, "types": [e.type for e in lesson_events]}
        messages.append((lesson_group(lesson_id), message))
    return messages


async def broadcast_events(events) -> None:
    """Send committed events to their lessons (from the event loop)."""
    layer = get_channel_layer()
    for group, message in events_messages(events):
        await layer.group_send(group, message)


def send_event_on_commit(event) -> None:
    """Broadcast a stored event once it is committed, so nobody hears of an event that was rolled back."""
    transaction.on_commit(lambda: async_to_sync(broadcast_events)([event]))

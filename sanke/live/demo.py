"""The event logs of lessons taught in the past, for generated worlds (``sanke/site/county.py``).

A county's term already under way has thousands of taught lessons, each with its log (started, the
classrooms joining, roll calls, quizzes, ended). The live lesson writes these one at a time as they happen,
at the time they happen; a generated past writes them at once, each event validated against its schema
(``events.validate``) and stamped with the moment it happened, so that ``events.replay`` of a generated log
gives the lesson's state as a live run would have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sanke.live.events import validate
from sanke.live.models import LessonEvent, LiveSession


@dataclass
class PastEvent:
    type: str
    payload: dict
    actor_id: int | None
    at: dt.datetime


@dataclass
class PastLesson:
    """One taught lesson's log, events in the order they happened."""

    lesson_id: int
    events: list[PastEvent] = field(default_factory=list)


def record_past_lessons(lessons: list[PastLesson]) -> int:
    """Store the logs and the sessions (off air, numbered) of lessons already taught; returns the events.

    The lessons' status is timetable's (``timetable.demo.settle_past_lessons``).
    """
    sessions, events = [], []
    for lesson in lessons:
        if not lesson.events:
            continue
        for seq, event in enumerate(lesson.events, start=1):
            events.append(
                LessonEvent(
                    lesson_id=lesson.lesson_id,
                    seq=seq,
                    type=event.type,
                    payload=validate(event.type, event.payload),
                    actor_id=event.actor_id,
                    created_at=event.at,
                )
            )
        sessions.append(
            LiveSession(
                lesson_id=lesson.lesson_id,
                is_live=False,
                event_seq=len(lesson.events),
                started_at=lesson.events[0].at,
                ended_at=lesson.events[-1].at,
            )
        )
    LiveSession.objects.bulk_create(sessions, batch_size=500)
    # ``created_at`` is ``auto_now_add``: a generated past keeps the moments it was given instead.
    stamp = LessonEvent._meta.get_field("created_at")
    stamp.auto_now_add = False  # type: ignore[attr-defined]
    try:
        LessonEvent.objects.bulk_create(events, batch_size=1000)
    finally:
        stamp.auto_now_add = True  # type: ignore[attr-defined]
    return len(events)

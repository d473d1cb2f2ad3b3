"""A hand-built fortnight of the demo's English series whose indicators are known in advance.

The series (王芳 at the host studio → 龙井 三年级(1)班 and 下姜 四年级(1)班, Tuesday and Thursday) gets:

- week of Mon 2026-11-16: Tue 11-17 missed (nobody started it);
- week of Mon 2026-11-23: the Thursday 11-19 lesson moved back a week boundary to Mon 11-23 and held
  (龙井 connected throughout; 下姜 for half the lesson), Tue 11-24 held (龙井 throughout, a raised hand
  and a roll call of 3 present; 下姜 for 85 %), Thu 11-26 cancelled because the teacher is on training.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from sanke.live.demo import PastEvent, PastLesson, record_past_lessons
from sanke.supervision.actions import do_fold_lessons
from sanke.timetable.actions import (
    do_cancel_lesson,
    do_mark_lesson_ended,
    do_mark_lesson_live,
    do_mark_lesson_missed,
)
from sanke.timetable.models import Lesson

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Fortnight:
    missed: Lesson
    moved: Lesson
    held: Lesson
    cancelled: Lesson

    @property
    def ids(self) -> list[int]:
        return [self.missed.pk, self.moved.pk, self.held.pk, self.cancelled.pk]


def english(day: str) -> Lesson:
    return Lesson.objects.get(series__subject="英语", date=dt.date.fromisoformat(day))


def _log(lesson: Lesson, rooms: dict[int, float], *, extra=()) -> PastLesson:
    """A 40-minute lesson; each classroom connects from the start for the given share of it."""
    start = lesson.starts_at
    minutes = 40
    events = [PastEvent("lesson.started", {}, None, start)]
    for room in rooms:
        events.append(PastEvent("classroom.joined", {"classroom": room}, None, start))
    for event_type, payload, at_minute in extra:
        events.append(PastEvent(event_type, payload, None, start + dt.timedelta(minutes=at_minute)))
    for room, share in rooms.items():
        if share < 1:
            events.append(
                PastEvent(
                    "classroom.left", {"classroom": room}, None, start + dt.timedelta(minutes=minutes * share)
                )
            )
    events.sort(key=lambda e: (e.at, e.type != "lesson.started"))
    events.append(PastEvent("lesson.ended", {}, None, start + dt.timedelta(minutes=minutes)))
    return PastLesson(lesson.pk, events)


def hold(lesson: Lesson, log: PastLesson) -> None:
    assert do_mark_lesson_live(lesson)
    record_past_lessons([log])
    assert do_mark_lesson_ended(lesson)


@pytest.fixture
def fortnight(world) -> Fortnight:
    longjing, xiajiang = world.classrooms["longjing"].pk, world.classrooms["xiajiang"].pk
    missed = english("2026-11-17")
    assert do_mark_lesson_missed(missed)
    moved = english("2026-11-19")
    # moved as timetable's move would, to Monday 11-23 in the same period (the move's checks are
    # timetable's to test; this is about where the roll-up counts it)
    new_start = dt.datetime.combine(
        dt.date(2026, 11, 23), moved.starts_at.astimezone(SHANGHAI).time(), SHANGHAI
    )
    Lesson.objects.filter(pk=moved.pk).update(
        date=dt.date(2026, 11, 23),
        starts_at=new_start,
        ends_at=new_start + (moved.ends_at - moved.starts_at),
        moved_from=moved.starts_at,
    )
    moved.refresh_from_db()
    hold(moved, _log(moved, {longjing: 1.0, xiajiang: 0.5}))
    held = english("2026-11-24")
    hold(
        held,
        _log(
            held,
            {longjing: 1.0, xiajiang: 0.85},
            extra=[
                ("hand.raised", {"classroom": longjing}, 5),
                ("rollcall.started", {"rollcall": 1}, 6),
                ("rollcall.reported", {"rollcall": 1, "classroom": longjing, "present": 3}, 7),
            ],
        ),
    )
    cancelled = do_cancel_lesson(
        english("2026-11-26"), "教师外出培训", acting_user=world.users["school_admin"]
    )
    fortnight = Fortnight(missed, moved, held, cancelled)
    do_fold_lessons(fortnight.ids)
    return fortnight

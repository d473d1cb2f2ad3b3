"""From lessons and their event logs to ``LessonFact`` rows: one per due lesson and receiving class.

A lesson is *due* once it was held (live or ended), cancelled or missed; a lesson still scheduled has no
fact, so a lesson moved to another week counts in the week it is finally held (its fact says ``moved``).
Reach is ours, not the policy's: a receiving class was *reached* when its classrooms were connected for
at least ``REACHED_SHARE`` of the time the lesson was on air, and it *interacted* when it raised a hand,
answered a quiz or a roll call, or was brought on stage (连麦) at least once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from django.utils import timezone

from sanke.live.events import replay
from sanke.live.models import LessonEvent
from sanke.org.choices import PersonKind
from sanke.org.models import Classroom, Person
from sanke.supervision.choices import Outcome
from sanke.supervision.models import LessonFact
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson, SyncSeries

REACHED_SHARE = 0.8
INTERACTIONS = ("hand.raised", "quiz.answered", "quiz.voted", "rollcall.reported", "stage.set")
OUTCOMES = {
    LessonStatus.LIVE: Outcome.HELD,
    LessonStatus.ENDED: Outcome.HELD,
    LessonStatus.CANCELLED: Outcome.CANCELLED,
    LessonStatus.MISSED: Outcome.MISSED,
}


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (weeks run Monday to Sunday, as school weeks do)."""
    return day - dt.timedelta(days=day.weekday())


def _parse(moment: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(moment) if moment else None


def _connected_seconds(spans, start: dt.datetime, end: dt.datetime) -> float:
    """Seconds of [start, end] covered by the union of the (joined, left) spans (None = still there)."""
    clipped = []
    for joined, left in spans:
        a = max(_parse(joined) or start, start)
        b = min(_parse(left) or end, end)
        if b > a:
            clipped.append((a, b))
    total, reach_end = 0.0, None
    for a, b in sorted(clipped):
        if reach_end is not None and a < reach_end:
            a = reach_end
        if b > a:
            total += (b - a).total_seconds()
            reach_end = b
    return total


def facts_for(lesson_ids: Iterable[int]) -> list[LessonFact]:
    """The facts of these lessons as they are now (unsaved); none for a lesson still scheduled."""
    lessons = list(
        Lesson.objects.filter(pk__in=list(lesson_ids), status__in=list(OUTCOMES)).select_related(
            "series__host_classroom__school__region"
        )
    )
    if not lessons:
        return []
    series_ids = {lesson.series_id for lesson in lessons}
    receiving = defaultdict(list)  # series → [(class id, school id, region code)]
    through = SyncSeries.receiving_classes.through.objects.filter(syncseries_id__in=series_ids)
    for series_id, class_id, school_id, code in through.values_list(
        "syncseries_id", "classgroup_id", "classgroup__school_id", "classgroup__school__region__code"
    ):
        receiving[series_id].append((class_id, school_id, code))
    class_ids = {c for rows in receiving.values() for c, _s, _r in rows}
    classrooms = defaultdict(set)  # class → its home classrooms (the terminals that join for it)
    for room, home_class in Classroom.objects.filter(home_class__in=class_ids).values_list(
        "pk", "home_class"
    ):
        classrooms[home_class].add(room)
    rosters = dict(
        Person.objects.filter(kind=PersonKind.STUDENT, class_group__in=class_ids)
        .values_list("class_group")
        .annotate(n=Count("pk"))
    )
    held_ids = [lesson.pk for lesson in lessons if OUTCOMES[lesson.status] == Outcome.HELD]
    logs = defaultdict(list)
    for event in LessonEvent.objects.filter(lesson__in=held_ids).order_by("lesson", "seq"):
        logs[event.lesson_id].append(event)

    facts = []
    for lesson in lessons:
        series = lesson.series
        outcome = OUTCOMES[lesson.status]
        host_school = series.host_classroom.school
        state = replay(logs[lesson.pk]) if outcome == Outcome.HELD else None
        interacted: set[int] = set()
        for event in logs.get(lesson.pk, ()):
            room = event.payload.get("classroom")
            if event.type in INTERACTIONS and room:
                interacted.add(room)
        started = _parse(state.started_at) if state else None
        ended = (_parse(state.ended_at) if state else None) or timezone.now()
        present = state.present() if state else {}
        for class_id, school_id, code in receiving[series.pk]:
            rooms = classrooms.get(class_id, set())
            share = 0.0
            if state and started and ended > started:
                spans = [span for room in rooms for span in state.attendance.get(room, [])]
                share = min(
                    1.0, _connected_seconds(spans, started, ended) / (ended - started).total_seconds()
                )
            heads = [present[room] for room in rooms if room in present]
            facts.append(
                LessonFact(
                    lesson_id=lesson.pk,
                    class_group_id=class_id,
                    day=lesson.date,
                    week=week_of(lesson.date),
                    alliance_id=series.alliance_id,
                    subject=series.subject,
                    host_teacher_id=series.host_teacher_id,
                    host_classroom_id=series.host_classroom_id,
                    host_school_id=host_school.pk,
                    host_region_code=host_school.region.code,
                    receiving_school_id=school_id,
                    receiving_region_code=code,
                    outcome=outcome,
                    moved=lesson.moved_from is not None,
                    reason=lesson.cancel_reason if outcome == Outcome.CANCELLED else "",
                    connected_share=round(share, 4),
                    reached=share >= REACHED_SHARE,
                    interacted=bool(rooms & interacted),
                    head_count=sum(heads) if heads else None,
                    roster=rosters.get(class_id, 0),
                )
            )
    return facts

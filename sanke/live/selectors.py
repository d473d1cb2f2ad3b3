"""Read queries of live lessons."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from sanke.live.models import LiveSession
from sanke.org.models import Classroom
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson


def next_lesson_for_classrooms(classroom_ids, now=None) -> Lesson | None:
    """The live or next lesson received in one of these classrooms (a terminal's countdown)."""
    now = now or timezone.now()
    return (
        Lesson.objects.filter(  # scope: the classrooms come from the terminal's own scope
            series__receiving_classes__home_classrooms__in=list(classroom_ids),
            status__in=[LessonStatus.SCHEDULED, LessonStatus.LIVE],
            ends_at__gte=now,
        )
        .select_related("series__host_teacher", "series__alliance")
        .order_by("starts_at")
        .first()
    )


def todays_lessons(user, limit: int = 8, *, receiving_class_id: int | None = None):
    """The sync lessons of today (school-local date) that the user can see, for the home page.

    With ``receiving_class_id``, only those that class receives (a student's home: the answer pad).
    ``enterable`` says whether the room can still be entered: a lesson whose time has passed offers no
    "enter" even before the beat has marked it missed.
    """
    now = timezone.now()
    lessons = (
        Lesson.objects.visible_to(user)
        .filter(date=timezone.localdate())
        .annotate(
            enterable=ExpressionWrapper(
                Q(status=LessonStatus.LIVE) | Q(status=LessonStatus.SCHEDULED, ends_at__gt=now),
                output_field=BooleanField(),
            )
        )
    )
    if receiving_class_id is not None:
        lessons = lessons.filter(series__receiving_classes=receiving_class_id)
    return lessons.select_related("series__host_teacher", "series__host_classroom__school").order_by(
        "starts_at"
    )[:limit]


def last_event_seq(lesson_id: int) -> int:
    """The number of the lesson's last event (0 for a lesson never started)."""
    seq = LiveSession.objects.filter(pk=lesson_id).values_list("event_seq", flat=True).first()  # scope: by id
    return seq or 0


def receiving_classrooms(lesson: Lesson):
    """The classrooms that receive a lesson (their terminals join it), for a participant of the lesson."""
    return (
        Classroom.objects.filter(  # scope: the classrooms of a lesson the caller fetched through the kernel
            home_class__in=lesson.series.receiving_classes.all(), receiver_capable=True
        ).select_related("school", "home_class__grade")
    )


def classrooms_by_id(ids):
    """Classrooms named in a lesson's events (the record page labels them)."""
    return Classroom.objects.filter(
        pk__in=set(ids)
    ).select_related(  # scope: ids from an accessed lesson's log
        "school", "home_class__grade"
    )


def terminal_agenda(classroom_ids, now=None) -> dict:
    """What a classroom terminal's big screen needs, read again every half minute: today's lessons for
    its classrooms (school date, every status, so a cancellation shows as one) and the lesson it waits
    for next (the first live or scheduled one that has not ended, on any day). A move, a cancellation or
    a new lesson is therefore on the screen at the next read, without anyone reloading it."""
    now = now or timezone.now()
    received = Lesson.objects.filter(  # scope: the classrooms come from the terminal's own scope
        series__receiving_classes__home_classrooms__in=list(classroom_ids)
    ).distinct()
    today = list(
        received.filter(date=timezone.localdate(now))
        .select_related("series__host_teacher")
        .order_by("starts_at")[:20]
    )
    upcoming = next_lesson_for_classrooms(classroom_ids, now=now)
    return {"now": now, "today": today, "next": upcoming}

"""Read queries of lessons: the lessons of a day, of a teacher, classroom, class or school, and where a
lesson falls in each receiving school's own periods.

These functions do not check access: callers filter with ``Lesson.objects.visible_to`` or fetched the
teacher/classroom/class/school through ``access_object`` first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from sanke.timetable.models import Lesson, Period, SyncSeries, minutes_of


def lesson_queryset():
    """Lessons with what their rows show, ready for lists and detail pages (callers narrow it to a scope:
    ``access_object(..., queryset=lesson_queryset())`` or ``filter(pk__in=<a visible_to queryset>)``)."""
    return Lesson.objects.select_related(  # scope: narrowed by every caller (see the docstring)
        "series__alliance",
        "series__host_teacher",
        "series__host_classroom__school__region",
        "host_period",
    ).prefetch_related("series__receiving_classes__school", "series__receiving_classes__grade")


def lessons_on(user, date: dt.date, *, school=None, subject: str = "", status: str = ""):
    """The lessons on ``date`` the user may see, optionally of one school (hosting or receiving), one
    subject or one status, in time order."""
    lessons = lesson_queryset().filter(pk__in=Lesson.objects.visible_to(user).filter(date=date))
    if school is not None:
        lessons = lessons.filter(
            Q(series__host_classroom__school=school) | Q(series__receiving_classes__school=school)
        ).distinct()
    if subject:
        lessons = lessons.filter(series__subject=subject)
    if status:
        lessons = lessons.filter(status=status)
    return lessons.order_by("starts_at", "series__subject", "pk")


def subjects_visible_to(user) -> list[str]:
    return sorted(set(SyncSeries.objects.visible_to(user).values_list("subject", flat=True)))


def upcoming_lessons(lessons, *, limit: int = 10):
    """The next lessons (from today, Asia/Shanghai) of a lesson queryset."""
    today = timezone.localdate()
    return list(
        lesson_queryset().filter(pk__in=lessons.filter(date__gte=today)).order_by("starts_at", "pk")[:limit]
    )


def _visible(user, query: Q):
    """Visible lessons matching ``query`` (a subquery: joins through receiving classes add no duplicates)."""
    visible = Lesson.objects.visible_to(user)
    return visible.filter(pk__in=visible.filter(query).values("pk"))


def teacher_lessons(user, person):
    """The lessons ``person`` teaches that ``user`` may see."""
    return Lesson.objects.visible_to(user).filter(series__host_teacher=person)


def classroom_lessons(user, classroom):
    """The lessons hosted in or received by ``classroom`` that ``user`` may see."""
    query = Q(series__host_classroom=classroom)
    if classroom.home_class_id:
        query |= Q(series__receiving_classes=classroom.home_class_id)
    return Lesson.objects.visible_to(user).filter(
        pk__in=Lesson.objects.visible_to(user).filter(query).values("pk")
    )


def class_lessons(user, class_group):
    """The lessons ``class_group`` receives that ``user`` may see."""
    return Lesson.objects.visible_to(user).filter(series__receiving_classes=class_group)


def school_lessons(user, school):
    """The lessons ``school`` hosts or receives that ``user`` may see."""
    query = Q(series__host_classroom__school=school) | Q(series__receiving_classes__school=school)
    return Lesson.objects.visible_to(user).filter(
        pk__in=Lesson.objects.visible_to(user).filter(query).values("pk")
    )


@dataclass
class ReceivingEnd:
    class_group: object
    period: Period | None


def receiving_ends(lesson: Lesson) -> list[ReceivingEnd]:
    """Each receiving class with the period of its own school in which the lesson falls (by clock)."""
    start = timezone.localtime(lesson.starts_at)
    end = timezone.localtime(lesson.ends_at)
    start_min, end_min = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    ends = []
    classes = list(lesson.series.receiving_classes.all())
    periods: dict[int, list[Period]] = {}
    # scope: the periods of the receiving schools of a lesson the caller holds
    for period in Period.objects.filter(school_id__in={c.school_id for c in classes}).order_by("number"):
        periods.setdefault(period.school_id, []).append(period)
    for class_group in classes:
        best, overlap = None, 0
        for period in periods.get(class_group.school_id, []):
            shared = min(end_min, minutes_of(period.end)) - max(start_min, minutes_of(period.start))
            if shared > overlap:
                best, overlap = period, shared
        ends.append(ReceivingEnd(class_group, best))
    return ends

"""iCal feeds (RFC 5545) of a teacher's or a classroom's sync lessons, for calendar apps.

A calendar app cannot log in, so the feed URL carries a signed token instead: what the feed is about
(``k``: "teacher" or "classroom", ``id``) and who subscribed (``u``). Each fetch checks that this user
still exists, is active and may still open that timetable page, so taking a role away also closes the
feeds it gave out. A token that does not verify answers 404, like an object out of scope.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

from sanke.timetable.choices import LessonStatus
from sanke.timetable.selectors import lesson_queryset

SALT = "sanke.timetable.ical"
TEACHER, CLASSROOM = "teacher", "classroom"
KINDS = (TEACHER, CLASSROOM)
# How far back a feed reaches; calendar apps keep what they fetched before.
HISTORY_DAYS = 180


def make_token(kind: str, pk: int, user) -> str:
    """The feed token of ``kind``/``pk`` for ``user`` (their subscription link)."""
    if kind not in KINDS:
        raise ValueError(kind)
    return signing.dumps({"k": kind, "id": int(pk), "u": user.pk}, salt=SALT)


def read_token(token: str) -> dict | None:
    """The token's payload if it verifies and is well formed, else None."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        return None
    if not isinstance(data.get("id"), int) or not isinstance(data.get("u"), int):
        return None
    return data


def lesson_uid(lesson) -> str:
    """Stable per lesson: a move or a cancellation updates the same calendar event."""
    return f"lesson-{lesson.pk}@sanke"


def feed_calendar(name: str, lessons) -> bytes:
    """The calendar of ``lessons`` (a Lesson queryset): scheduled and cancelled, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", "-//Sanke//Three Classrooms timetable//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    since = timezone.localdate() - dt.timedelta(days=HISTORY_DAYS)
    stamp = timezone.now().astimezone(dt.UTC)
    rows = lesson_queryset().filter(pk__in=lessons.filter(date__gte=since).values("pk"))
    for lesson in rows.order_by("starts_at", "pk"):
        series = lesson.series
        event = Event()
        event.add("uid", lesson_uid(lesson))
        event.add("dtstamp", stamp)
        event.add("dtstart", lesson.starts_at.astimezone(dt.UTC))
        event.add("dtend", lesson.ends_at.astimezone(dt.UTC))
        event.add("summary", f"{series.subject} · {series.alliance.name}")
        event.add("location", str(series.host_classroom))
        receivers = "、".join(f"{c.school.name} {c}" for c in series.receiving_classes.all())
        description = [f"{series.host_teacher.name} → {receivers}"]
        cancelled = lesson.status == LessonStatus.CANCELLED
        if cancelled and lesson.cancel_reason:
            description.append(lesson.cancel_reason)
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        # a changed occurrence must win over the copy a calendar app already holds
        event.add("sequence", (1 if lesson.moved_from else 0) + (1 if cancelled else 0))
        calendar.add_component(event)
    return calendar.to_ical()

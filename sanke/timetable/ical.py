"""iCal feeds (RFC 5545) of a teacher's or a classroom's sync lessons, for calendar apps.

A calendar app cannot log in, so the feed URL carries a signed token instead: what the feed is about
(``k``: "teacher" or "classroom", ``id``), who subscribed (``u``), the version of the subscriber's links
(``v``) and, for a classroom, of the classroom's (``c``), and the last day it works (``e``). Each fetch
checks that this user still exists, is active and may still open that timetable page, so taking a role
away also closes the feeds it gave out; resetting the links (``CalendarLinkVersion``) revokes every
address given out before, and an address lapses after ``LINK_DAYS``. The token is signed under its own
labelled key (``core.keys``), not with the secret key itself. A token that does not verify, has lapsed or
was revoked answers 404, like an object out of scope.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from sanke.core.keys import derived_hex
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import CalendarLinkVersion
from sanke.timetable.selectors import lesson_queryset

SALT = "sanke.timetable.ical"
TEACHER, CLASSROOM = "teacher", "classroom"
KINDS = (TEACHER, CLASSROOM)
# How far back a feed reaches; calendar apps keep what they fetched before.
HISTORY_DAYS = 180
# How long an address works: about a term. The page shows the date; opening it again gives a fresh one.
LINK_DAYS = 180
KEY_LABEL = "ical-feed"


def link_versions(kind: str, pk: int, user_id: int) -> tuple[int, int]:
    """(the user's links version, the classroom's or 0): a token works only while both match its own."""
    owners = Q(user=user_id) | Q(classroom=pk) if kind == CLASSROOM else Q(user=user_id)
    mine = theirs = 0
    for owner, version in CalendarLinkVersion.objects.filter(owners).values_list("user_id", "version"):
        if owner is not None:
            mine = version
        else:
            theirs = version
    return mine, theirs


def link_expiry(today: dt.date | None = None) -> dt.date:
    """The last day an address made ``today`` works."""
    return (today or timezone.localdate()) + dt.timedelta(days=LINK_DAYS)


def make_token(kind: str, pk: int, user, *, today: dt.date | None = None) -> str:
    """The feed token of ``kind``/``pk`` for ``user`` (their subscription link), valid until
    ``link_expiry(today)`` or the next reset of the user's (or the classroom's) links."""
    if kind not in KINDS:
        raise ValueError(kind)
    mine, theirs = link_versions(kind, int(pk), user.pk)
    payload = {"k": kind, "id": int(pk), "u": user.pk, "v": mine, "e": link_expiry(today).isoformat()}
    if kind == CLASSROOM:
        payload["c"] = theirs
    return signing.dumps(payload, key=derived_hex(KEY_LABEL), salt=SALT)


def read_token(token: str) -> dict | None:
    """The token's payload if it verifies, is well formed, has not lapsed and was not revoked, else None."""
    try:
        data = signing.loads(token, key=derived_hex(KEY_LABEL), salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        return None
    numbers = ("id", "u", "v", "c") if data["k"] == CLASSROOM else ("id", "u", "v")
    if not all(isinstance(data.get(name), int) for name in numbers):
        return None
    try:
        expires = dt.date.fromisoformat(data.get("e"))
    except (TypeError, ValueError):
        return None
    if expires < timezone.localdate():
        return None
    mine, theirs = link_versions(data["k"], data["id"], data["u"])
    if data["v"] != mine or (data["k"] == CLASSROOM and data["c"] != theirs):
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

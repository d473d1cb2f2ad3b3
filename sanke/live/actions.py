"""State changes of live lessons: start, end, record an event, mark lessons nobody started as missed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sanke.core.audit import record_audit
from sanke.live.access import Participant, may_send, participant
from sanke.live.broadcast import send_event_on_commit
from sanke.live.events import EventError, validate
from sanke.live.media.rooms import release_room_on_commit
from sanke.live.models import LessonEvent, LiveSession
from sanke.timetable.actions import do_mark_lesson_ended, do_mark_lesson_live, do_mark_lesson_missed
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson

# A lesson may be started this long before its time (setting up), and is missed this long after its end.
EARLY_START = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class PendingEvent:
    """An event that passed validation and authorisation and waits to be numbered and stored."""

    lesson_id: int
    type: str
    payload: dict
    actor_id: int | None


def _store(pending: list[PendingEvent], *, live_only: bool) -> list[LessonEvent | None]:
    """Number and store events of one or several lessons in the current transaction.

    Each lesson's live session row is locked while its events are numbered (in id order, so writers of
    other processes never deadlock), which keeps numbers gap-free per lesson: a client that reconnects
    asks for everything after the last number it saw. With ``live_only`` an event of a lesson that is not
    live is not stored (its place in the result is None). Three queries, however many events and lessons.
    """
    sessions = LiveSession.objects.select_for_update().filter(pk__in={p.lesson_id for p in pending})
    if live_only:
        sessions = sessions.filter(is_live=True)
    numbers = dict(sessions.order_by("pk").values_list("pk", "event_seq"))
    stored: list[LessonEvent | None] = []
    for item in pending:
        if item.lesson_id not in numbers:
            stored.append(None)
            continue
        numbers[item.lesson_id] += 1
        stored.append(
            LessonEvent(
                lesson_id=item.lesson_id,
                seq=numbers[item.lesson_id],
                type=item.type,
                payload=item.payload,
                actor_id=item.actor_id,
            )
        )
    LessonEvent.objects.bulk_create([event for event in stored if event is not None])
    if numbers:
        _save_numbers(numbers)
    return stored


def _save_numbers(numbers: dict[int, int]) -> None:
    """Set ``event_seq`` of many sessions in one ``UPDATE … FROM (VALUES …)`` (PostgreSQL; SQLite ≥ 3.33).

    ``bulk_update`` builds a CASE expression per lesson through the ORM, which was the costliest step of
    a storm's batch; the values are plain integers here, passed as parameters.
    """
    table = connection.ops.quote_name(LiveSession._meta.db_table)
    key = connection.ops.quote_name(LiveSession._meta.pk.column)
    rows = ", ".join(["(%s, %s)"] * len(numbers))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET event_seq = v.column2 FROM (VALUES {rows}) AS v"
            f" WHERE {table}.{key} = v.column1",
            [value for pair in numbers.items() for value in pair],
        )


def _append(lesson: Lesson, event_type: str, payload: dict, actor) -> LessonEvent:
    """Store the next event of ``lesson`` (whatever its status) and broadcast it after commit."""
    (event,) = _store(
        [PendingEvent(lesson.pk, event_type, payload, getattr(actor, "pk", None))], live_only=False
    )
    send_event_on_commit(event)
    return event


def do_start_lesson(lesson: Lesson, *, acting_user, now=None) -> LessonEvent:
    """scheduled → live, by the host side, from half an hour before the lesson until its end."""
    now = now or timezone.now()
    who = participant(acting_user, lesson)
    if who is None or who.role != "host":
        raise PermissionDenied(_("Only the host side can start the lesson."))
    if not (lesson.starts_at - EARLY_START <= now <= lesson.ends_at):
        raise ValidationError(_("The lesson can be started from 30 minutes before it until its end."))
    with transaction.atomic():
        if not do_mark_lesson_live(lesson):
            raise ValidationError(_("Only a scheduled lesson can be started."))
        LiveSession.objects.update_or_create(
            lesson=lesson, defaults={"is_live": True, "started_at": now, "ended_at": None}
        )
        event = _append(lesson, "lesson.started", {}, acting_user)
        record_audit(acting_user, "live.lesson.started", lesson)
    return event


def do_end_lesson(lesson: Lesson, *, acting_user) -> LessonEvent:
    """live → ended; every classroom still connected is counted as having left now."""
    who = participant(acting_user, lesson)
    if who is None or who.role != "host":
        raise PermissionDenied(_("Only the host side can end the lesson."))
    with transaction.atomic():
        if not do_mark_lesson_ended(lesson):
            raise ValidationError(_("Only a live lesson can be ended."))
        event = _close_session(lesson, acting_user)
        record_audit(acting_user, "live.lesson.ended", lesson)
        release_room_on_commit(lesson)
    return event


def _close_session(lesson: Lesson, actor) -> LessonEvent:
    """The session goes off air (its last event, lesson.ended, is numbered after that)."""
    LiveSession.objects.filter(pk=lesson.pk).update(is_live=False, ended_at=timezone.now())
    return _append(lesson, "lesson.ended", {}, actor)


def prepare_event(who: Participant | None, event_type: str, payload: dict) -> dict:
    """Validate and authorise one interaction event (chat, hand, roll call, quiz…); returns its payload.

    Needs no database: the lesson room resolves its participant once, when it connects.
    """
    if event_type in {"lesson.started", "lesson.ended"}:
        raise ValidationError(_("Use start and end for that."))
    try:
        payload = validate(event_type, payload)
    except EventError as exc:
        raise ValidationError(str(exc)) from exc
    if who is None or not may_send(who, event_type, payload):
        raise PermissionDenied(_("You cannot do that in this lesson."))
    return payload


def do_record_events(pending: list[PendingEvent]) -> list[LessonEvent | None]:
    """Store prepared events of live lessons in one transaction (group commit; see live/writer.py).

    Returns the stored events in the order given, None for each event whose lesson is no longer live.
    The caller broadcasts them: it knows when the transaction has committed.
    """
    with transaction.atomic():
        return _store(pending, live_only=True)


def do_record_event(lesson: Lesson, event_type: str, payload: dict, *, acting_user) -> LessonEvent:
    """Validate, authorise, store and broadcast one interaction event of a live lesson."""
    payload = prepare_event(participant(acting_user, lesson), event_type, payload)
    with transaction.atomic():
        (event,) = _store([PendingEvent(lesson.pk, event_type, payload, acting_user.pk)], live_only=True)
        if event is None:
            raise ValidationError(_("The lesson is not live."))
        send_event_on_commit(event)
    return event


def do_mark_missed_lessons(*, now=None) -> int:
    """Lessons still scheduled after their end were never started: mark them missed (and audit each).

    Only lessons that began after their series was accepted count: a series accepted mid-term gets the
    term's earlier dates as a record, and nobody could have taught those live.
    """
    now = now or timezone.now()
    missed = 0
    due = Lesson.objects.filter(
        status=LessonStatus.SCHEDULED, ends_at__lt=now, starts_at__gt=F("series__accepted_at")
    )
    for lesson in due.select_related("series"):
        with transaction.atomic():
            if do_mark_lesson_missed(lesson):
                record_audit(None, "live.lesson.missed", lesson, actor_username="system")
                missed += 1
    # a lesson left open an hour after its end is closed, so it stops counting as live
    for lesson in Lesson.objects.filter(status=LessonStatus.LIVE, ends_at__lt=now - dt.timedelta(hours=1)):
        with transaction.atomic():
            if do_mark_lesson_ended(lesson):
                _close_session(lesson, None)
                record_audit(None, "live.lesson.ended", lesson, actor_username="system")
    return missed

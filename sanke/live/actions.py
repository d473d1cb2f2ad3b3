"""State changes of live lessons: start, end, record an event, mark lessons nobody started as missed, and the
lesson's media room (opened at the start, closed at the end, a ticket per participant's page)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sanke.core.audit import record_audit
from sanke.live.access import Participant, may_send, participant, receiving_classroom_ids
from sanke.live.broadcast import send_event_on_commit
from sanke.live.events import EventError, validate
from sanke.live.media import rooms
from sanke.live.media.janus import JanusError
from sanke.live.models import LessonEvent, LiveSession
from sanke.timetable.actions import do_mark_lesson_ended, do_mark_lesson_live, do_mark_lesson_missed
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson

# A lesson may be started this long before its time (setting up), and is missed this long after its end.
EARLY_START = dt.timedelta(minutes=30)
log = logging.getLogger(__name__)


class MediaRoomClosed(Exception):
    """The lesson has no media room now: not started yet, ended, or the platform runs no Janus."""


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
        defaults = {"is_live": True, "started_at": now, "ended_at": None}
        if _media_rooms_enabled():
            defaults |= rooms.new_room_fields()
        session, _created = LiveSession.objects.update_or_create(lesson=lesson, defaults=defaults)
        if session.media_room:  # before lesson.started goes out: pages ask for tickets when they see it
            _open_room_on_commit(lesson, session)
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
    return event


def _close_session(lesson: Lesson, actor) -> LessonEvent:
    """The session goes off air (its last event, lesson.ended, is numbered after that); its media room is
    destroyed after the commit. No ticket is issued for a session off air, whatever happens to the room."""
    LiveSession.objects.filter(pk=lesson.pk).update(is_live=False, ended_at=timezone.now())
    room = LiveSession.objects.filter(pk=lesson.pk).values_list("media_room", "media_secret").first()
    if room and room[0]:
        transaction.on_commit(lambda: _close_room(lesson, *room))
    return _append(lesson, "lesson.ended", {}, actor)


# --- the lesson's media room (a Janus VideoRoom; see sanke/live/media/rooms.py) ---------------------------


def _media_rooms_enabled() -> bool:
    return bool(settings.SANKE_JANUS_URLS) and settings.SANKE_MEDIA_BACKEND != "p2p"


def _publishers(lesson: Lesson) -> int:
    return len(receiving_classroom_ids(lesson)) + 2  # the host, the classrooms, one spare (a reload)


def _open_room_on_commit(lesson: Lesson, session: LiveSession) -> None:
    publishers = _publishers(lesson)

    def open_room():
        try:
            rooms.open_room(lesson, session, publishers=publishers)
        except JanusError as exc:  # the first ticket tries again; the lesson itself goes on
            log.warning("lesson %s: media room not created (%s)", lesson.pk, exc)

    transaction.on_commit(open_room)


def _close_room(lesson: Lesson, room: int, secret: str) -> bool:
    """Destroy the room, then forget it; if Janus does not answer, the sweep tries again later."""
    try:
        rooms.close_room(lesson, room, secret)
    except JanusError as exc:
        log.warning("lesson %s: media room not destroyed (%s)", lesson.pk, exc)
        return False
    LiveSession.objects.filter(pk=lesson.pk, is_live=False, media_room=room).update(
        media_room=None, media_pin="", media_secret="", media_feeds={}
    )
    return True


def media_key(who: Participant) -> str:
    """The participant's place in the room's roster (one feed each): ``host`` or ``classroom-<pk>``."""
    return "host" if who.role == "host" else f"classroom-{who.classroom_id}"


def do_issue_media_ticket(lesson: Lesson, who: Participant | None, *, now=None) -> dict:
    """What one participant's page needs to take part in the live lesson's media room, and nothing more.

    A new feed id and token each time (per page and per reconnection); the participant's previous token can
    no longer publish and its previous feed is kicked. Raises :class:`MediaRoomClosed` when the lesson has
    no room (not live), PermissionDenied for anyone but the host side and the receiving classrooms, and
    JanusError when the media server does not answer.
    """
    if who is None or who.role not in ("host", "classroom"):
        raise PermissionDenied(_("Only the host side and the receiving classrooms send and receive video."))
    session = LiveSession.objects.filter(pk=lesson.pk, is_live=True, media_room__isnull=False).first()
    if session is None:
        raise MediaRoomClosed
    rooms.open_room(lesson, session, publishers=_publishers(lesson))
    expiry = rooms.token_expiry(lesson, now)
    entry = {"feed": rooms.random_id(), "join": rooms.join_token(session.media_room, expiry)}
    key = media_key(who)
    with transaction.atomic():
        locked = (
            LiveSession.objects.select_for_update()
            .filter(pk=lesson.pk, is_live=True, media_room=session.media_room)
            .first()
        )
        if locked is None:
            raise MediaRoomClosed
        previous = locked.media_feeds.get(key)
        feeds = {**locked.media_feeds, key: entry}
        LiveSession.objects.filter(pk=lesson.pk).update(media_feeds=feeds)
    session.media_feeds = feeds
    rooms.admit(lesson, session, entry, previous)
    return {
        "ws": rooms.instance(lesson)[1],
        "room": session.media_room,
        "pin": session.media_pin,
        "token": rooms.participant_token(expiry),
        "join": entry["join"],
        "feed": entry["feed"],
        "expires": expiry,
        "roster": _check_roster(lesson, session),
    }


def do_check_media_roster(lesson: Lesson) -> dict[str, str]:
    """Kick participants of the lesson's room that the platform did not admit; name the feeds in it.

    Pages ask this when a publisher they do not know appears or a known one leaves, and subscribe only to
    feeds named here.
    """
    session = LiveSession.objects.filter(pk=lesson.pk, is_live=True, media_room__isnull=False).first()
    if session is None:
        raise MediaRoomClosed
    return _check_roster(lesson, session)


def _check_roster(lesson: Lesson, session: LiveSession) -> dict[str, str]:
    """Kick the unknown, then retire the feeds that were in the room and have left (see :func:`_observe`)."""
    present = rooms.check_roster(lesson, session)
    _observe(lesson, session, set(present))
    return {str(feed): key for feed, key in present.items()}  # JSON object keys are strings


def _observe(lesson: Lesson, session: LiveSession, present: set[int]) -> None:
    """Remember which assigned feeds have been seen in the room; retire those seen before and gone now.

    A feed id is named to the other pages once its owner is in the room. When the owner leaves, its page
    comes back only with a new ticket (janus.js fetches one for every connection), so the old id is retired:
    it leaves the roster (whoever joins under it later is kicked) and its token leaves the allowed list.
    """
    retired = []
    with transaction.atomic():
        locked = (
            LiveSession.objects.select_for_update()
            .filter(pk=lesson.pk, media_room=session.media_room)
            .first()
        )
        if locked is None:
            return
        feeds = dict(locked.media_feeds)
        for key, entry in locked.media_feeds.items():
            if entry.get("feed") in present and not entry.get("seen"):
                feeds[key] = {**entry, "seen": True}
            elif entry.get("seen") and entry.get("feed") not in present:
                feeds[key] = {**entry, "feed": None, "seen": False}
                retired.append(entry["join"])
        if feeds != locked.media_feeds:
            LiveSession.objects.filter(pk=lesson.pk).update(media_feeds=feeds)
    session.media_feeds = feeds
    if retired:
        rooms.revoke(lesson, session, retired)


def do_sweep_media_rooms() -> int:
    """Destroy the rooms of lessons that are off air, and kick unknown feeds from the live ones.

    Periodic (Celery beat): a lesson ended by the missed-lesson job, or whose room Janus did not destroy at
    the end, loses its room here. Returns the number of rooms destroyed.
    """
    closed = 0
    for session in LiveSession.objects.filter(media_room__isnull=False).select_related("lesson"):
        if session.is_live:
            try:
                _check_roster(session.lesson, session)
            except JanusError as exc:
                log.warning("lesson %s: roster not checked (%s)", session.lesson_id, exc)
            continue
        closed += _close_room(session.lesson, session.media_room, session.media_secret)
    return closed


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

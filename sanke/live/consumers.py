"""The lesson room: one WebSocket per participant (host page, classroom terminal, observer).

Client → server messages:
- ``{"type": "resume", "since": N}``: every stored event after number N (first connect: 0), then live ones;
- ``{"type": "event", "id": …, "event": "hand.raised", "payload": {…}}``: store (validated, authorised) and
  broadcast after commit; the sender gets ``{"type": "ack", "id": …, "seq": …}`` or ``{"type": "error", …}``;
- ``{"type": "start"}`` / ``{"type": "end"}``: the host starts or ends the lesson;
- ``{"type": "signal", "to": "host" | "classroom-<id>", "data": {…}}``: WebRTC signaling relayed to one
  participant, not stored (SDP and ICE candidates are transient).
Server → client, besides acks and events: ``hello`` (your role), ``presence`` (someone arrived or left),
``signal`` (relayed from another participant).
A classroom terminal's connection is its attendance: ``classroom.joined`` on connect, ``classroom.left`` on
disconnect, while the lesson is live.

The socket follows its account: it joins the user's group (``core/realtime.py``), and when an account action
or the end of a session says so, or every few seconds while the socket sends, it checks the account, the
session and the role again and closes with a code the page understands (``CLOSE_*``). What one participant
may send is bounded (``live/limits.py``): a refused message gets an ``error`` with ``code``, nothing is
stored or broadcast, and a socket that keeps sending what is refused is closed.
"""

from __future__ import annotations

import asyncio
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from sanke.core.realtime import user_group
from sanke.live import actions
from sanke.live.access import AccountCheck, check_account, participant, voter
from sanke.live.broadcast import event_data, lesson_group, participant_group
from sanke.live.limits import MAX_FRAME_BYTES, SocketLimits
from sanke.live.models import LessonEvent
from sanke.live.writer import writer
from sanke.timetable.models import Lesson

# Close codes the page understands (static/sanke/live/socket.js); the first three end its reconnecting.
CLOSE_ACCOUNT = 4401  # the account was disabled, its session ended or its password must change: log in again
CLOSE_FORBIDDEN = 4403  # not (or no longer) a participant of this lesson
CLOSE_TOO_MANY = 4429  # kept sending messages that were refused
CLOSE_ROLE_CHANGED = 4409  # still a participant, in another role: the page reconnects and gets the new one

RECHECK_SECONDS = 5.0  # a socket that sends re-checks its account at most this often (a missed group message)
IDLE_RECHECK_SECONDS = 60.0  # a socket that only listens re-checks this often (a session's idle timeout)


def _session_key(scope) -> str | None:
    session = scope.get("session")
    return getattr(session, "session_key", None) if session is not None else None


def _connect(lesson_id: int, user, session_key: str | None):
    """The lesson and the user's role in it, and their account's state, in one trip to the database."""
    lesson, who = _load(lesson_id, user)
    account = check_account(user.pk, session_key) if who is not None else AccountCheck(False)
    return lesson, who, account


def _reload(lesson_id: int, user_id: int):
    """The role of the user as it is now: a fresh user object (the scope is cached on the old one)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()  # scope: own account
    return _load(lesson_id, user)[1] if user is not None else None


def _load(lesson_id: int, user):
    lesson = (
        Lesson.objects.visible_to(user)
        .filter(pk=lesson_id)
        .select_related("series__alliance", "series__host_teacher")
        .first()
    )
    if lesson is None:
        return None, None
    return lesson, participant(user, lesson)


def _events_after(lesson_id: int, since: int) -> list[dict]:
    events = LessonEvent.objects.filter(
        lesson_id=lesson_id, seq__gt=since
    )  # scope: participant checked on connect
    return [event_data(e) for e in events]


def _error_text(exc: Exception) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc) or "forbidden"


class LessonConsumer(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message):
        """Handle one message without Channels' per-message ``close_old_connections`` hop.

        Channels runs that hop in the shared database thread before every message, broadcasts included,
        so in a quiz storm each delivery queued behind the database writes. This consumer touches the
        database only through ``database_sync_to_async`` and the event writer, which manage connections
        themselves.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.lesson_id = int(self.scope["url_route"]["kwargs"]["lesson_id"])
        user = self.scope.get("user")
        self.session_key = _session_key(self.scope)
        self.lesson, self.who, account = await database_sync_to_async(_connect)(
            self.lesson_id, user, self.session_key
        )
        if self.who is None or not account.valid:
            code = CLOSE_FORBIDDEN if self.who is None else CLOSE_ACCOUNT
            self.who = None  # nothing to undo on disconnect
            await self.close(code=code)
            return
        self.user_id = user.pk
        self.grants = account.grants
        self.checked_at = time.monotonic()
        self.closing = False
        self.limits = SocketLimits(user.pk)
        self.key = {
            "host": "host",
            "classroom": f"classroom-{self.who.classroom_id}",
            "student": f"student-{user.pk}",
        }.get(self.who.role, f"observer-{user.pk}")
        # a student's pseudonym in this lesson: stamped on their answers, and told to their pad
        self.voter = voter(user.pk, self.lesson_id) if self.who.role == "student" else None
        await self.channel_layer.group_add(lesson_group(self.lesson_id), self.channel_name)
        await self.channel_layer.group_add(participant_group(self.lesson_id, self.key), self.channel_name)
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        await self.accept()
        await self.send_json(
            {
                "type": "hello",
                "role": self.who.role,
                "key": self.key,
                "classroom": self.who.classroom_id,
                "status": self.lesson.status,
                **({"voter": self.voter} if self.voter else {}),  # the pad finds its own answers
            }
        )
        await self._announce("here")
        await self._attendance("classroom.joined")
        self.watch = asyncio.create_task(self._watch_idle())

    async def disconnect(self, code):
        if getattr(self, "who", None) is None:
            return
        self.watch.cancel()
        # leave the groups first: nothing more should be queued for a socket that is gone
        await self.channel_layer.group_discard(lesson_group(self.lesson_id), self.channel_name)
        await self.channel_layer.group_discard(participant_group(self.lesson_id, self.key), self.channel_name)
        await self.channel_layer.group_discard(user_group(self.user_id), self.channel_name)
        await self._attendance("classroom.left")
        await self._announce("gone")

    async def _announce(self, state: str) -> None:
        """Tell the room who arrived or left, so the host (re)connects media to that classroom."""
        await self.channel_layer.group_send(
            lesson_group(self.lesson_id),
            {
                "type": "lesson.presence",
                "key": self.key,
                "role": self.who.role,
                "state": state,
                "sender": self.channel_name,
            },
        )

    async def lesson_presence(self, message):
        if message["sender"] != self.channel_name:
            await self.send_json(
                {
                    "type": "presence",
                    "key": message["key"],
                    "role": message["role"],
                    "state": message["state"],
                }
            )

    def _pending(self, event_type: str, payload: dict) -> actions.PendingEvent:
        return actions.PendingEvent(self.lesson_id, event_type, payload, self.scope["user"].pk)

    async def _attendance(self, event_type: str) -> None:
        """A terminal's connection is its attendance (stored only while the lesson is live)."""
        if self.who.role == "classroom":
            await writer().record(self._pending(event_type, {"classroom": self.who.classroom_id}))

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Refuse what is too large before parsing it, and what is not a JSON object after."""
        if getattr(self, "closing", True):
            return
        if text_data is None or len(text_data) > MAX_FRAME_BYTES or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self._refuse(None, _("This message is too large and was not sent."), "too_large")
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self._refuse(None, _("This message could not be read and was not sent."), "unreadable")
            return
        await self.receive_json(content)

    async def _refuse(self, message_id, text, code: str) -> None:
        """Tell the sender why a message was dropped; close a socket that keeps sending such messages."""
        if not self.limits.strike():
            await self._end(CLOSE_TOO_MANY)
            return
        await self.send_json({"type": "error", "id": message_id, "error": str(text), "code": code})

    async def _end(self, code: int) -> None:
        self.closing = True
        await self.close(code=code)

    async def _still_allowed(self, *, force: bool = False) -> bool:
        """Whether the account, its session and its role still allow this socket (checked again at most
        every ``RECHECK_SECONDS`` unless forced); closes the socket if not."""
        if self.closing:
            return False
        if not force and time.monotonic() - self.checked_at < RECHECK_SECONDS:
            return True
        account = await database_sync_to_async(check_account)(self.user_id, self.session_key)
        self.checked_at = time.monotonic()
        if not account.valid:
            await self._end(CLOSE_ACCOUNT)
            return False
        if account.grants != self.grants:
            who = await database_sync_to_async(_reload)(self.lesson_id, self.user_id)
            if who != self.who:
                await self._end(CLOSE_FORBIDDEN if who is None else CLOSE_ROLE_CHANGED)
                return False
            self.grants = account.grants
        return True

    async def account_changed(self, message):
        """An account action or the end of a session (``core/realtime.py``): check now."""
        if message.get("session") and message["session"] == self.session_key:
            await self._end(CLOSE_ACCOUNT)
        else:
            await self._still_allowed(force=True)

    async def _watch_idle(self) -> None:
        """A socket that only listens (a terminal between questions) still notices an expired session."""
        try:
            while not self.closing:
                await asyncio.sleep(IDLE_RECHECK_SECONDS)
                if time.monotonic() - self.checked_at >= IDLE_RECHECK_SECONDS:
                    await self._still_allowed(force=True)
        except asyncio.CancelledError:
            pass

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        if not self.limits.allow(kind):
            await self._refuse(
                content.get("id"), _("Too many messages: wait a moment, then try again."), "rate_limited"
            )
            return
        if not await self._still_allowed():
            return
        if kind == "resume":
            since = content.get("since", 0)
            since = since if isinstance(since, int) and since >= 0 else 0
            for event in await database_sync_to_async(_events_after)(self.lesson_id, since):
                await self.send_json({"type": "event", "event": event})
        elif kind == "event":
            await self._store(content)
        elif kind in ("start", "end"):
            await self._lifecycle(kind, content.get("id"))
        elif kind == "signal" and self._may_signal(content.get("to")):
            await self.channel_layer.group_send(
                participant_group(self.lesson_id, content["to"]),
                {"type": "lesson.signal", "from": self.key, "data": content.get("data")},
            )
        else:
            await self.send_json({"type": "error", "id": content.get("id"), "error": "unknown message"})

    def _may_signal(self, target) -> bool:
        """The media star: the host talks to classrooms, classrooms to the host; observers don't signal."""
        if not isinstance(target, str):
            return False
        if self.who.role == "host":
            return target.startswith("classroom-")
        return self.who.role == "classroom" and target == "host"

    async def _store(self, content):
        """Validate and authorise here (the participant was resolved on connect), store with the writer."""
        event_type = content.get("event", "")
        payload = content.get("payload") or {}
        if self.voter and isinstance(payload, dict):  # who answers is the server's to say
            payload = {**payload, "classroom": self.who.classroom_id, "voter": self.voter}
        try:
            payload = actions.prepare_event(self.who, event_type, payload)
            if not self.limits.answer_allowed(self.lesson_id, event_type, payload):
                await self._refuse(
                    content.get("id"), _("This answer has been changed too many times."), "answer_limit"
                )
                return
            event = await writer().record(self._pending(event_type, payload))
            if event is None:
                raise ValidationError(_("The lesson is not live."))
        except (ValidationError, PermissionDenied) as exc:
            await self.send_json({"type": "error", "id": content.get("id"), "error": _error_text(exc)})
        except DatabaseError:  # the writer logged it; nothing was stored, the sender may try again
            await self.send_json(
                {"type": "error", "id": content.get("id"), "error": _("Not saved, please try again.")}
            )
        else:
            self.limits.answer_stored(self.lesson_id, event_type, payload)
            await self.send_json({"type": "ack", "id": content.get("id"), "seq": event.seq})

    async def _lifecycle(self, kind, message_id):
        def change():
            fresh = Lesson.objects.visible_to(self.scope["user"]).get(pk=self.lesson_id)
            action = actions.do_start_lesson if kind == "start" else actions.do_end_lesson
            return action(fresh, acting_user=self.scope["user"])

        try:
            event = await database_sync_to_async(change)()
        except (ValidationError, PermissionDenied) as exc:
            await self.send_json({"type": "error", "id": message_id, "error": _error_text(exc)})
        else:
            await self.send_json({"type": "ack", "id": message_id, "seq": event.seq})

    async def lesson_events(self, message):
        for frame, event_type in zip(message["frames"], message["types"], strict=True):
            await self.send(text_data=frame)
            if event_type == "lesson.started":  # terminals already waiting are now present
                await self._attendance("classroom.joined")

    async def lesson_signal(self, message):
        await self.send_json({"type": "signal", "from": message["from"], "data": message["data"]})

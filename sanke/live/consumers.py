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
"""

from __future__ import annotations

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from sanke.live import actions
from sanke.live.access import participant, voter
from sanke.live.broadcast import event_data, lesson_group, participant_group
from sanke.live.models import LessonEvent
from sanke.live.writer import writer
from sanke.timetable.models import Lesson


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
        self.lesson, self.who = await database_sync_to_async(_load)(self.lesson_id, user)
        if self.who is None:
            await self.close(code=4403)
            return
        self.key = {
            "host": "host",
            "classroom": f"classroom-{self.who.classroom_id}",
            "student": f"student-{user.pk}",
        }.get(self.who.role, f"observer-{user.pk}")
        # a student's pseudonym in this lesson: stamped on their answers, and told to their pad
        self.voter = voter(user.pk, self.lesson_id) if self.who.role == "student" else None
        await self.channel_layer.group_add(lesson_group(self.lesson_id), self.channel_name)
        await self.channel_layer.group_add(participant_group(self.lesson_id, self.key), self.channel_name)
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

    async def disconnect(self, code):
        if getattr(self, "who", None) is None:
            return
        # leave the groups first: nothing more should be queued for a socket that is gone
        await self.channel_layer.group_discard(lesson_group(self.lesson_id), self.channel_name)
        await self.channel_layer.group_discard(participant_group(self.lesson_id, self.key), self.channel_name)
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

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
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

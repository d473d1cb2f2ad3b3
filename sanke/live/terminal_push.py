"""Push to classroom terminals: their day changed, read it again now.

A terminal's screens read their day every 30 seconds (``static/sanke/live/agenda.js``); this makes a move, a
cancellation or a new lesson arrive at once. ``TerminalConsumer`` is the terminal home screen's socket
(``/ws/terminal/``): a classroom terminal account only, in one group per classroom it stands for. When
timetable says lessons changed (``timetable.events.lessons_changed``, after the commit), every terminal of
a classroom that receives one of them gets ``{"type": "agenda"}``, which carries nothing but the hint: the
page fetches its day through the ordinary, scoped agenda view. A lost push costs at most the 30 seconds.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer

from sanke.core.realtime import user_group
from sanke.core.scoping import scope_for
from sanke.org.models import Classroom

logger = logging.getLogger(__name__)
CLOSE_FORBIDDEN = 4403
CLOSE_ACCOUNT = 4401
AGENDA_CHANGED = "agenda.changed"


def terminal_group(classroom_id: int) -> str:
    return f"terminal.classroom.{int(classroom_id)}"


def _classrooms_of(user) -> list[int] | None:
    if not user or not user.is_authenticated or not user.is_active:
        return None
    scope = scope_for(user)
    return sorted(scope.classroom_ids) if scope.is_terminal_only else None


class TerminalConsumer(AsyncJsonWebsocketConsumer):
    """The terminal home screen's socket: it only listens (what a client sends is ignored)."""

    async def connect(self):
        user = self.scope.get("user")
        self.groups_joined: list[str] = []
        classrooms = await database_sync_to_async(_classrooms_of)(user)
        if classrooms is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.groups_joined = [terminal_group(pk) for pk in classrooms] + [user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        return  # nothing to say to the platform: the screen reads its day over HTTP

    async def agenda_changed(self, message):
        await self.send_json({"type": "agenda"})

    async def account_changed(self, message):
        # the account was disabled, its role revoked, its session ended: the page's next read finds out
        await self.close(code=CLOSE_ACCOUNT)


def push_agenda_changes(sender, lesson_ids, **kwargs) -> None:
    """Tell the terminals of every classroom that receives one of ``lesson_ids`` to read their day now."""
    classroom_ids = set(
        # scope: a push to the classrooms of lessons that just changed; it carries no data, only the hint
        Classroom.objects.filter(home_class__received_series__lessons__in=list(lesson_ids)).values_list(
            "pk", flat=True
        )
    )
    layer = get_channel_layer()
    if layer is None or not classroom_ids:
        return
    try:
        for pk in sorted(classroom_ids):
            async_to_sync(layer.group_send)(terminal_group(pk), {"type": AGENDA_CHANGED})
    except RuntimeError:  # called from inside an event loop: the screens' next read brings it
        logger.info("terminal push skipped (inside an event loop)")

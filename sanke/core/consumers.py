"""A minimal authenticated WebSocket: proves the channel layer end to end for the status page.

It answers a ``ping`` with ``pong`` through the channel layer (group send → this consumer), so a
working answer means the ASGI server, authentication and the configured channel layer all work.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from sanke.core.realtime import user_group


class PresenceConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = f"user.{user.pk}"
        self.account_group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(self.account_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(self.account_group, self.channel_name)

    async def account_changed(self, event):
        """Any change to the account (disabled, role revoked, logged out…) ends this socket: it carries no
        lesson to re-check, so closing is the whole answer; the page opens a new one if it may."""
        await self.close(code=4401)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.channel_layer.group_send(
                self.group, {"type": "presence.pong", "seq": content.get("seq")}
            )

    async def presence_pong(self, event):
        await self.send_json({"type": "pong", "seq": event.get("seq")})

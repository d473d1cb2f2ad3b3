"""A small synchronous client for the control plane of a Janus media server (its HTTP API).

Why it exists: in a live lesson the browsers of the host and of the receiving classrooms send their
camera, microphone and screen to a Janus VideoRoom and receive the others' streams from it. Django never
touches that media; it is the *control plane*: it creates a room when a lesson starts (with the number of
publishers the alliance needs and a bitrate cap for weak village uplinks), asks who is in it, and destroys it
when the lesson ends. These are a handful of short request/response calls, so a plain blocking HTTP client
is enough; each call opens its own Janus session and closes it, so no keepalive is needed.

The API is Janus' own (https://janus.conf.meetecho.com/docs/rest.html): ``create`` a session, ``attach`` the
``janus.plugin.videoroom`` plugin to it, send ``message`` requests to the handle, ``destroy`` the session.
Janus runs with signed tokens (``token_auth_secret``, see :func:`sign_token`): every request carries a token
signed with the secret the platform shares with Janus, so nobody without one (and browsers only with the one
their lesson page got) can use the server. Creating rooms also needs the VideoRoom ``admin_key``, which only
the platform has, and each lesson room has a ``secret`` for editing or destroying it. When Janus is also
configured with an ``api_secret`` (``SANKE_JANUS_API_SECRET``) every request carries it as well.

Errors come back as :class:`JanusError` with Janus' numeric code and reason (core errors such as 403
unauthorized, and VideoRoom errors such as 426 no such room or 427 room exists); a server that cannot be
reached raises :class:`JanusUnavailable`, a subclass.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

VIDEOROOM_PLUGIN = "janus.plugin.videoroom"

# VideoRoom error codes (janus_videoroom.c) that callers may want to tell apart.
VIDEOROOM_NO_SUCH_ROOM = 426
VIDEOROOM_ROOM_EXISTS = 427
VIDEOROOM_MISSING_ELEMENT = 429  # e.g. no admin_key, no room secret where one is needed
VIDEOROOM_UNAUTHORIZED = 433  # a wrong admin_key, secret, PIN or join token
VIDEOROOM_NO_SUCH_FEED = 428
VIDEOROOM_ID_EXISTS = 436  # a participant with this id is already in the room


def sign_token(
    secret: str,
    valid_seconds: float,
    *,
    plugins=(VIDEOROOM_PLUGIN,),
    now: float | None = None,
    expiry: int | None = None,
    realm: str = "janus",
) -> str:
    """A Janus signed token: ``<expiry>,janus,<plugin>…:<base64 HMAC-SHA1 of the part before the colon>``.

    Janus (``token_auth = true`` with ``token_auth_secret``) accepts a request whose token it can verify with
    the same secret and whose expiry (Unix seconds) has not passed; ``attach`` also needs the plugin in it.
    Nothing is stored on either side, so the platform can hand a token to each lesson page. With ``realm``
    set to the VideoRoom plugin's package and ``room=<number>`` among ``plugins`` it is the token a room
    created with ``signed_tokens`` asks of every ``join`` (Janus checks ``<expiry>,<realm>,…`` the same way;
    see :func:`sanke.live.media.rooms.join_token`).
    """
    if expiry is None:  # else an exact Unix time, and valid_seconds is ignored
        expiry = int((time.time() if now is None else now) + valid_seconds)
    data = ",".join([str(expiry), realm, *plugins])
    signature = hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()
    return f"{data}:{base64.b64encode(signature).decode()}"


class JanusError(Exception):
    """Janus refused a request. ``code`` is Janus' error code (None when there was no answer)."""

    def __init__(self, code: int | None, reason: str):
        super().__init__(f"Janus error {code}: {reason}" if code is not None else f"Janus error: {reason}")
        self.code = code
        self.reason = reason


class JanusUnavailable(JanusError):
    """The Janus HTTP API could not be reached (refused, timed out, not Janus)."""

    def __init__(self, reason: str):
        super().__init__(None, reason)


class JanusClient:
    """Control-plane client for one Janus instance.

    ``url`` is the base of Janus' HTTP API, e.g. ``http://127.0.0.1:8088/janus``. Each public method opens a
    session, attaches the VideoRoom plugin, does its work and destroys the session; use
    :meth:`videoroom` to run several requests on one handle.
    """

    # the platform's own token lives this long (a request takes milliseconds; clocks may differ a little)
    TOKEN_SECONDS = 600

    def __init__(
        self,
        url: str,
        *,
        api_secret: str = "",
        token_secret: str = "",
        admin_key: str = "",
        timeout: float = 5.0,
    ):
        if not url:
            raise ValueError("a Janus HTTP API URL is needed, e.g. http://127.0.0.1:8088/janus")
        self.url = url.rstrip("/")
        self.api_secret = api_secret
        self.token_secret = token_secret
        self.admin_key = admin_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls, url: str = "", *, timeout: float = 5.0) -> JanusClient:
        """A client of ``url`` (default ``SANKE_JANUS_URL``) with the platform's secrets from the settings."""
        from django.conf import settings

        return cls(
            url or settings.SANKE_JANUS_URL,
            api_secret=settings.SANKE_JANUS_API_SECRET,
            token_secret=settings.SANKE_JANUS_TOKEN_SECRET,
            admin_key=settings.SANKE_JANUS_ADMIN_KEY,
            timeout=timeout,
        )

    # --- transport ------------------------------------------------------------------------------------

    def _call(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST ``payload`` (or GET when None) to ``url + path`` and return the decoded answer.

        Raises :class:`JanusError` for ``{"janus": "error"}`` answers.
        """
        data = None
        if payload is not None:
            payload = {"transaction": secrets.token_hex(8), **payload}
            if self.api_secret:
                payload["apisecret"] = self.api_secret
            if self.token_secret:
                payload["token"] = sign_token(self.token_secret, self.TOKEN_SECONDS)
            data = json.dumps(payload).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST" if data is not None else "GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            # Janus answers its own errors with 200; other statuses come from a wrong URL or a proxy.
            body = error.read()
            answer = _decode(body)
            if answer is None or answer.get("janus") != "error":
                raise JanusUnavailable(f"{self.url}{path} answered HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:  # refused, unreachable, timeout
            reason = getattr(error, "reason", error)
            raise JanusUnavailable(f"{self.url}{path}: {reason}") from error
        else:
            answer = _decode(body)
            if answer is None:
                raise JanusUnavailable(f"{self.url}{path} did not answer with Janus JSON")
        if answer.get("janus") == "error":
            error_info = answer.get("error") or {}
            raise JanusError(error_info.get("code"), error_info.get("reason", "unknown error"))
        return answer

    # --- core API -------------------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """Janus' ``server_info`` (version, plugins, transports). Raises if the server does not answer."""
        answer = self._call("/info")
        if answer.get("janus") != "server_info":
            raise JanusUnavailable(f"{self.url}/info did not answer server_info")
        return answer

    def ping(self) -> bool:
        """Whether the server answers at all (used by the media-backend choice)."""
        try:
            self.info()
        except JanusError:
            return False
        return True

    @contextmanager
    def videoroom(self) -> Iterator[VideoRoomHandle]:
        """A session with the VideoRoom plugin attached, destroyed on exit."""
        session = self._call("", {"janus": "create"})["data"]["id"]
        try:
            handle = self._call(f"/{session}", {"janus": "attach", "plugin": VIDEOROOM_PLUGIN})["data"]["id"]
            yield VideoRoomHandle(self, f"/{session}/{handle}")
        finally:
            try:
                self._call(f"/{session}", {"janus": "destroy"})
            except JanusError:
                pass  # the session times out by itself (session_timeout) if this fails

    # --- VideoRoom shortcuts (one session each) -------------------------------------------------------

    def create_room(
        self,
        room_id: int,
        description: str,
        *,
        publishers: int,
        bitrate: int,
        record: bool = False,
        rec_dir: str | None = None,
        secret: str | None = None,
        pin: str | None = None,
        allowed: list[str] | None = None,
        signed_tokens: bool = False,
        require_pvtid: bool = False,
    ) -> dict[str, Any]:
        """See :meth:`VideoRoomHandle.create_room`."""
        with self.videoroom() as room:
            return room.create_room(
                room_id,
                description,
                publishers=publishers,
                bitrate=bitrate,
                record=record,
                rec_dir=rec_dir,
                secret=secret,
                pin=pin,
                allowed=allowed,
                signed_tokens=signed_tokens,
                require_pvtid=require_pvtid,
            )

    def destroy_room(self, room_id: int, *, secret: str | None = None) -> None:
        """See :meth:`VideoRoomHandle.destroy_room`."""
        with self.videoroom() as room:
            room.destroy_room(room_id, secret=secret)

    def exists(self, room_id: int) -> bool:
        """See :meth:`VideoRoomHandle.exists`."""
        with self.videoroom() as room:
            return room.exists(room_id)

    def list_participants(self, room_id: int) -> list[dict[str, Any]]:
        """See :meth:`VideoRoomHandle.list_participants`."""
        with self.videoroom() as room:
            return room.list_participants(room_id)

    def allowed(self, room_id: int, action: str, tokens: list[str], *, secret: str) -> list[str]:
        """See :meth:`VideoRoomHandle.allowed`."""
        with self.videoroom() as room:
            return room.allowed(room_id, action, tokens, secret=secret)

    def kick(self, room_id: int, feed: int, *, secret: str) -> None:
        """See :meth:`VideoRoomHandle.kick`."""
        with self.videoroom() as room:
            room.kick(room_id, feed, secret=secret)


class VideoRoomHandle:
    """A VideoRoom plugin handle inside an open session (see :meth:`JanusClient.videoroom`)."""

    def __init__(self, client: JanusClient, path: str):
        self._client = client
        self._path = path

    def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send a synchronous VideoRoom request and return the plugin's data.

        VideoRoom reports its own errors inside a successful Janus answer (``error_code``/``error``);
        they are raised as :class:`JanusError` like core errors.
        """
        answer = self._client._call(self._path, {"janus": "message", "body": body})
        data = (answer.get("plugindata") or {}).get("data")
        if data is None:
            raise JanusError(None, f"unexpected answer to {body.get('request')!r}: {answer.get('janus')!r}")
        if "error_code" in data or "error" in data:
            raise JanusError(data.get("error_code"), data.get("error", "unknown VideoRoom error"))
        return data

    def create_room(
        self,
        room_id: int,
        description: str,
        *,
        publishers: int,
        bitrate: int,
        record: bool = False,
        rec_dir: str | None = None,
        secret: str | None = None,
        pin: str | None = None,
        allowed: list[str] | None = None,
        signed_tokens: bool = False,
        require_pvtid: bool = False,
    ) -> dict[str, Any]:
        """Create a (non-permanent) room for a lesson.

        ``publishers``: how many may send at once (the host plus the receiving classrooms that answer back);
        ``bitrate``: cap in bit/s that Janus asks every publisher to respect (REMB), which keeps weak rural
        uplinks usable; ``record``/``rec_dir``: server-side recording (one .mjr file per track);
        ``secret``: needed to edit or destroy the room; ``pin``: needed to join it; ``allowed``: when not
        None, only a publisher whose ``join`` ``token`` is in this list (see :meth:`allowed`) gets in;
        ``signed_tokens``: a ``join`` needs a token signed for this room (``room=<number>``);
        ``require_pvtid``: a subscriber must name the private id of a publisher in the room, so only
        someone who joined as a publisher can receive.
        Raises :class:`JanusError` (code 427) when the room already exists.
        """
        body: dict[str, Any] = {
            "request": "create",
            "room": room_id,
            "description": description,
            "publishers": publishers,
            "bitrate": bitrate,
            "record": record,
            "permanent": False,
            "is_private": True,  # not in anyone's room list
        }
        if self._client.admin_key:
            body["admin_key"] = self._client.admin_key
        if rec_dir:
            body["rec_dir"] = rec_dir
        if secret:
            body["secret"] = secret
        if pin:
            body["pin"] = pin
        if allowed is not None:
            body["allowed"] = list(allowed)
        if signed_tokens:
            body["signed_tokens"] = True
        if require_pvtid:
            body["require_pvtid"] = True
        return self.request(body)

    def destroy_room(self, room_id: int, *, secret: str | None = None) -> None:
        """Destroy a room; its participants are told and dropped. Code 426 if there is no such room."""
        body: dict[str, Any] = {"request": "destroy", "room": room_id, "permanent": False}
        if secret:
            body["secret"] = secret
        self.request(body)

    def exists(self, room_id: int) -> bool:
        return bool(self.request({"request": "exists", "room": room_id}).get("exists"))

    def list_participants(self, room_id: int) -> list[dict[str, Any]]:
        """Who is in the room: ``id``, ``display``, ``publisher`` (sending media) and ``talking`` each."""
        return list(self.request({"request": "listparticipants", "room": room_id}).get("participants", []))

    def allowed(self, room_id: int, action: str, tokens: list[str], *, secret: str) -> list[str]:
        """Edit the room's list of join tokens (``action``: add or remove); returns the list now."""
        body = {"request": "allowed", "room": room_id, "action": action, "allowed": tokens, "secret": secret}
        return list(self.request(body).get("allowed", []))

    def kick(self, room_id: int, feed: int, *, secret: str) -> None:
        """Throw participant ``feed`` out of the room (code 428 if no such participant)."""
        self.request({"request": "kick", "room": room_id, "id": feed, "secret": secret})


def _decode(body: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None

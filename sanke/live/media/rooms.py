"""Django as the control plane of the media server: one Janus VideoRoom per lesson, while it is taught.

Media credentials must work for one lesson's room, during that lesson, for one participant (issue 8). So:

- The room exists from 开始上课 to 下课: ``do_start_lesson`` opens it and ``do_end_lesson`` (or the periodic
  sweep, for lessons closed otherwise) destroys it. Opening a lesson page creates nothing.
- Its number is random (52 bits, stored on the lesson's ``LiveSession``) and the room is private, so no page
  of another lesson can name it; its PIN and secret are random as well and stay on the server (the PIN goes
  to the lesson's participants only). Nothing about a room is derived from the lesson's number.
- Each participant's page asks for a ticket when the lesson is live. It holds two signed tokens, both with
  a nonce of their own and both expiring at the lesson's end plus :data:`TOKEN_MARGIN`: the page's Janus
  token (the VideoRoom plugin only) and its ``join`` token, signed for that room only (``room=<number>``,
  checked by a VideoRoom ``signed_tokens`` room) and the publisher's entry in the room's ``allowed`` list;
  a participant's next ticket removes the previous one from that list and kicks its old feed. Subscribers
  must name the private id of a publisher in the room (``require_pvtid``), so tokens alone receive nothing.
- The platform assigns every participant's feed id (the Janus ``join`` ``id``), random per ticket. Pages
  subscribe to the ids the platform names (:func:`check_roster`), never to display names, which clients
  choose themselves; any participant in the room whose id is not on the roster is kicked with the room's
  secret. A feed id is named to the other pages only once it is in the room, where Janus refuses a second
  participant with the same id; once its owner has left the room, the id is retired (a page that comes back
  does so with a new ticket).

Media never passes through Python.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone

from sanke.live.media.janus import (
    VIDEOROOM_NO_SUCH_FEED,
    VIDEOROOM_NO_SUCH_ROOM,
    VIDEOROOM_PLUGIN,
    VIDEOROOM_ROOM_EXISTS,
    JanusClient,
    JanusError,
    sign_token,
)

log = logging.getLogger(__name__)

# Room and feed numbers stay below 2**53 so that the pages' JavaScript holds them exactly.
ID_LIMIT = 2**52
# A ticket's token outlives the lesson's planned end by this much (a lesson that runs over gets new tickets
# while it is live; the pages fetch one before theirs expires).
TOKEN_MARGIN = dt.timedelta(minutes=10)
BITRATE = 600_000  # bit/s asked of every publisher: village uplinks stay usable


def random_id() -> int:
    """A room or feed number nobody can guess (52 random bits, never 0, which Janus reads as "pick one")."""
    return secrets.randbelow(ID_LIMIT - 1) + 1


def new_room_fields() -> dict[str, Any]:
    """``LiveSession`` fields of a new lesson room: a random number, PIN and secret, nobody admitted yet."""
    return {
        "media_room": random_id(),
        "media_pin": secrets.token_urlsafe(12),
        "media_secret": secrets.token_urlsafe(24),
        "media_feeds": {},
    }


def token_expiry(lesson, now: dt.datetime | None = None) -> int:
    """Unix time a ticket issued ``now`` stops working: the lesson's end (or now, if later) + the margin."""
    now = now or timezone.now()
    return int((max(lesson.ends_at, now) + TOKEN_MARGIN).timestamp())


def participant_token(expiry: int) -> str:
    """A page's Janus token (API requests, the VideoRoom plugin only), valid until ``expiry`` (Unix s).

    Janus' core tokens name no room; the room is bound by :func:`join_token`. The nonce makes it one page's.
    """
    return sign_token(
        settings.SANKE_JANUS_TOKEN_SECRET, 0, plugins=(VIDEOROOM_PLUGIN, _nonce()), expiry=expiry
    )


def join_token(room: int, expiry: int) -> str:
    """A page's token to ``join`` room ``room`` (publisher and subscriber), valid until ``expiry``.

    Signed in the VideoRoom's realm with ``room=<number>``: a room created with ``signed_tokens`` admits no
    other. The nonce makes it one participant's: it is their entry in the room's allowed list.
    """
    return sign_token(
        settings.SANKE_JANUS_TOKEN_SECRET,
        0,
        plugins=(f"room={room}", _nonce()),
        expiry=expiry,
        realm=VIDEOROOM_PLUGIN,
    )


def _nonce() -> str:
    # base64url holds neither "," nor ":", which separate the parts of a signed token
    return f"nonce={secrets.token_urlsafe(12)}"


def instance(lesson) -> tuple[str, str]:
    """(API URL, browser WebSocket URL) of the Janus that serves ``lesson``: one per lesson, spread evenly."""
    index = lesson.pk % len(settings.SANKE_JANUS_URLS)
    ws_urls = settings.SANKE_JANUS_WS_URLS or [""] * len(settings.SANKE_JANUS_URLS)
    return settings.SANKE_JANUS_URLS[index], ws_urls[index]


def _client(lesson) -> JanusClient:
    return JanusClient.from_settings(instance(lesson)[0])


def open_room(lesson, session, *, publishers: int) -> None:
    """Create the lesson's room (``session`` is its ``LiveSession``) unless Janus already has it.

    Called when the lesson starts, and again by each ticket, so that a Janus restarted during the lesson
    gets the room back with the tokens admitted so far.
    """
    client = _client(lesson)
    if client.exists(session.media_room):
        return
    try:
        client.create_room(
            session.media_room,
            f"lesson {lesson.pk}",
            publishers=publishers,
            bitrate=BITRATE,
            pin=session.media_pin,
            secret=session.media_secret,
            allowed=[entry["join"] for entry in session.media_feeds.values()],
            signed_tokens=True,
            require_pvtid=True,
        )
    except JanusError as exc:
        if exc.code != VIDEOROOM_ROOM_EXISTS:  # created meanwhile by another participant's ticket
            raise


def close_room(lesson, room: int, secret: str) -> None:
    """Destroy a lesson's room; its participants are told and dropped. A room already gone is fine."""
    try:
        _client(lesson).destroy_room(room, secret=secret)
    except JanusError as exc:
        if exc.code != VIDEOROOM_NO_SUCH_ROOM:
            raise


def admit(lesson, session, entry: dict, previous: dict | None) -> None:
    """Let ``entry`` (a participant's new feed and token) publish; revoke and kick ``previous``, if any."""
    with _client(lesson).videoroom() as handle:
        handle.allowed(session.media_room, "add", [entry["join"]], secret=session.media_secret)
        if previous:
            handle.allowed(session.media_room, "remove", [previous["join"]], secret=session.media_secret)
            _kick(handle, session, previous["feed"])


def revoke(lesson, session, tokens: list[str]) -> None:
    """Take join tokens off the room's allowed list: they can no longer publish."""
    _client(lesson).allowed(session.media_room, "remove", tokens, secret=session.media_secret)


def check_roster(lesson, session) -> dict[int, str]:
    """Kick every participant whose feed id the platform did not assign; return {feed id: key} of the others.

    The answer names only feeds that are in the room now: an id is revealed once its owner holds it.
    """
    roster = {entry["feed"]: key for key, entry in session.media_feeds.items() if entry.get("feed")}
    present = {}
    with _client(lesson).videoroom() as handle:
        for participant in handle.list_participants(session.media_room):
            feed = participant.get("id")
            if feed in roster:
                present[feed] = roster[feed]
            else:
                log.warning("lesson %s: kicked feed %s, not on the roster", lesson.pk, feed)
                _kick(handle, session, feed)
    return present


def _kick(handle, session, feed) -> None:
    try:
        handle.kick(session.media_room, feed, secret=session.media_secret)
    except JanusError as exc:
        if exc.code != VIDEOROOM_NO_SUCH_FEED:  # already gone
            raise

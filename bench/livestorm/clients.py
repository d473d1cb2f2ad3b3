"""One simulated client, a host page or a classroom terminal: join as a browser would, read, send.

All clients run in the bench's process on one event loop. This is what one of them does, and the
counters their reader tasks share; ``storm`` sets them all going and measures.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
from dataclasses import dataclass, field

# The storm's events: quiz 1 asked by the host, answered by each classroom.
QUIZ = 1
STORM_TYPES = ("quiz.started", "quiz.answered")
OPEN_TIMEOUT = 120.0  # a handshake waits behind the server's database work while thousands connect
QUIET = 1.0  # the room counts as settled after this long without any message
SETTLE_CAP = 180.0


@dataclass
class Counters:
    """What all clients of one system saw, shared by their reader tasks."""

    messages: int = 0
    last_message: float = 0.0
    delivered: int = 0
    last_delivery: float = 0.0
    dropped: int = 0  # connections closed by the server during the run
    close_codes: dict[int, int] = field(default_factory=dict)  # close code → connections dropped with it
    on_question: object = None  # called with a terminal when it first hears the storm's question


@dataclass(eq=False)
class Member:
    """One simulated client: a host page or a classroom terminal, and what it saw of the storm."""

    lesson: LessonRun
    key: int  # 0: the host; otherwise the classroom id this terminal speaks for
    cookie: str
    ws: object = None
    failed: str = ""
    seen: dict[int, float] = field(default_factory=dict)  # storm event key → first arrival
    top_seq: int = 0
    out_of_order: int = 0
    sent_at: float = 0.0
    ack_at: float = 0.0
    errors: list[str] = field(default_factory=list)
    dropped: bool = False  # the server closed the connection during the run
    reader: asyncio.Task | None = None


@dataclass(eq=False)
class LessonRun:
    """A lesson's members and when each storm event was sent, to pair sends with arrivals."""

    lesson_id: int
    members: list[Member] = field(default_factory=list)
    sent: dict[int, float] = field(default_factory=dict)  # storm event key → when its sender sent it


def storm_key(event: dict) -> int | None:
    """Which storm event this is (0: the question, else the answering classroom), or None."""
    payload = event.get("payload") or {}
    if event.get("type") in STORM_TYPES and payload.get("quiz") == QUIZ:
        return payload.get("classroom", 0)
    return None


async def read_messages(member: Member, counters: Counters) -> None:
    """Timestamp every storm event on arrival (first copy only: resume and live broadcast may overlap)."""
    from websockets.exceptions import ConnectionClosed

    clock = time.perf_counter
    try:
        async for raw in member.ws:
            now = clock()
            counters.messages += 1
            counters.last_message = now
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "event":
                event = message["event"]
                key = storm_key(event)
                if key is None or key in member.seen:
                    continue
                member.seen[key] = now
                if event["seq"] < member.top_seq:
                    member.out_of_order += 1
                member.top_seq = max(member.top_seq, event["seq"])
                if key != member.key:
                    counters.delivered += 1
                    counters.last_delivery = now
                if key == 0 and member.key != 0 and counters.on_question is not None:
                    counters.on_question(member)
            elif kind == "ack" and message.get("id") == f"storm-{member.key}":
                member.ack_at = now
            elif kind == "error":
                member.errors.append(str(message.get("error")))
    except ConnectionClosed as closed:
        member.dropped = True
        counters.dropped += 1
        code = closed.rcvd.code if closed.rcvd is not None else 1006
        counters.close_codes[code] = counters.close_codes.get(code, 0) + 1


async def join(member: Member, url: str, origin: str, gate: asyncio.Semaphore, counters: Counters) -> None:
    """Connect as a browser would (session cookie, same-host Origin), wait for ``hello``, then resume."""
    from websockets.asyncio.client import connect

    async with gate:
        try:
            member.ws = await connect(
                url,
                origin=origin,
                additional_headers={"Cookie": member.cookie},
                compression=None,  # measure the event path, not zlib; both servers get the same
                proxy=None,
                ping_interval=None,
                open_timeout=OPEN_TIMEOUT,
                close_timeout=5,
                max_queue=None,
            )
            hello = json.loads(await asyncio.wait_for(member.ws.recv(), OPEN_TIMEOUT))
            if hello.get("type") != "hello":
                raise RuntimeError(f"expected hello, got {hello}")
            await member.ws.send(json.dumps({"type": "resume", "since": 0}))
        except Exception as exc:  # noqa: BLE001 - any failure to join is reported, not fatal
            member.failed = f"{type(exc).__name__}: {exc}"
            if member.ws is not None:
                member.ws.transport.abort()
            return
    member.reader = asyncio.create_task(read_messages(member, counters))


async def settle(counters: Counters) -> float:
    """Wait until no message has arrived for QUIET seconds (joins and resumes are done)."""
    start = time.perf_counter()
    counters.last_message = max(counters.last_message, start)
    while time.perf_counter() - counters.last_message < QUIET and time.perf_counter() - start < SETTLE_CAP:
        await asyncio.sleep(0.05)
    return time.perf_counter() - start


async def send_event(member: Member, event_type: str, payload: dict) -> bool:
    """Send one storm event, stamping the time just before it leaves (the start of its latency)."""
    text = json.dumps({"type": "event", "id": f"storm-{member.key}", "event": event_type, "payload": payload})
    now = time.perf_counter()
    try:
        await member.ws.send(text)
    except Exception:  # noqa: BLE001 - a closed connection is counted by its reader
        return False
    member.sent_at = member.lesson.sent[member.key] = now
    return True


def raise_open_files(clients: int) -> None:
    """Every client is a socket in this process (and one in the server): lift the soft limit if needed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = clients + 1024
    if soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        if new < wanted:
            print(f"warning: open files limited to {new}; {clients} clients need about {wanted}")

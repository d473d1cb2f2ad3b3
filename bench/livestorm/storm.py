"""The quiz storm against one system: connect every client, settle, storm, drain, disconnect, measure.

Every host asks within ``--ask-window`` s and every terminal answers within ``--window`` s of hearing
the question; ``StormResult`` holds what arrived where and when, and what it cost in CPU.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass

from .clients import QUIZ, STORM_TYPES, Counters, LessonRun, Member, join, send_event, settle
from .cpu import cpu_snapshot, cpu_used, start_profiler, stop_profiler
from .servers import Server, event_loop_factory
from .world import MEMBERS, LessonPlan

OPTIONS = ["A", "B", "C", "D"]
QUIZ_WAIT = 30.0  # a terminal that never hears the question answers anyway after this long


@dataclass
class StormResult:
    """The figures of one system, for the table and the JSON line."""

    name: str
    clients: int
    failed: int
    connect_s: float
    settle_s: float
    sent: int
    expected: int
    delivered: int
    lost: int
    lost_to_dropped: int  # of the lost deliveries, those to members whose connection failed or dropped
    lessons_with_loss: int
    out_of_order: int
    errors: int
    dropped: int
    close_codes: dict[int, int]
    blind: int
    storm_s: float
    msgs_per_s: float
    latencies: list[float]
    ack_latencies: list[float]
    cpu: dict[str, float]
    inbox_drops: tuple[int, int] = (0, 0)  # group messages channels-redis dropped: before / during the storm
    stored: int | None = None

    def pct(self, p: float, values: list[float] | None = None) -> float:
        values = self.latencies if values is None else values
        if not values:
            return float("nan")
        return values[max(0, math.ceil(p / 100 * len(values)) - 1)] * 1000


async def run_storm(
    name: str, plans: list[LessonPlan], server: Server, args, seed: int
) -> tuple[StormResult, list[str]]:
    """Connect everybody, settle, storm, drain, disconnect; return what was measured."""
    port, server_pid = server.port, server.process.pid
    rng = random.Random(seed)
    counters = Counters()
    lessons = []
    for plan in plans:
        lesson = LessonRun(plan.lesson_id)
        lesson.members = [Member(lesson, key, cookie) for key, cookie in plan.members]
        lessons.append(lesson)
    members = [m for lesson in lessons for m in lesson.members]
    origin = f"http://127.0.0.1:{port}"

    gate = asyncio.Semaphore(args.ramp)
    start = time.perf_counter()
    await asyncio.gather(
        *(
            join(m, f"ws://127.0.0.1:{port}/ws/lessons/{m.lesson.lesson_id}/", origin, gate, counters)
            for m in members
        )
    )
    connect_s = time.perf_counter() - start
    failed = [m for m in members if m.failed]
    settle_s = await settle(counters)

    drops_before = server.over_capacity()
    profiler = start_profiler(server_pid, args.profile) if args.profile and name == "sanke" else None
    cpu_before = cpu_snapshot(server_pid)
    counters.delivered, counters.dropped, counters.close_codes = 0, 0, {}
    live = [m for m in members if not m.failed]
    terminals = [m for m in live if m.key != 0]
    delays = {m: rng.uniform(0, args.window) for m in terminals}
    scheduled: set[Member] = set()
    answers: list[asyncio.Task] = []  # kept referenced until done
    unanswered = len(terminals)
    blind = 0
    all_answered = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def send_answer(member: Member) -> None:
        nonlocal unanswered
        counts = {option: rng.randint(0, 12) for option in OPTIONS}
        try:
            await send_event(
                member, "quiz.answered", {"quiz": QUIZ, "classroom": member.key, "counts": counts}
            )
        finally:
            unanswered -= 1
            if unanswered == 0:
                all_answered.set()

    def answer(member: Member) -> None:
        answers.append(asyncio.ensure_future(send_answer(member)))

    def on_question(member: Member) -> None:
        """A terminal answers a random moment within the window after it hears the question."""
        if member not in scheduled:
            scheduled.add(member)
            loop.call_later(delays[member], answer, member)

    def start_question(member: Member, payload: dict) -> None:
        answers.append(asyncio.ensure_future(send_event(member, "quiz.started", payload)))

    def answer_blind() -> None:
        nonlocal blind
        for member in terminals:
            if member not in scheduled:
                blind += 1
                scheduled.add(member)
                answer(member)

    # Timers instead of one waiting task per terminal: the clients' own overhead at the start of the storm
    # would otherwise show up as latency of both servers.
    counters.on_question = on_question
    t0 = time.perf_counter()
    question = {"quiz": QUIZ, "kind": "single", "question": "下列哪个是水果？", "options": OPTIONS}
    hosts = [m for m in live if m.key == 0]
    if args.ask_window > 0:  # questions spread out instead of all at the same moment
        for member in hosts:
            loop.call_later(rng.uniform(0, args.ask_window), start_question, member, question)
        await asyncio.sleep(args.ask_window)
    else:
        for member in hosts:
            await send_event(member, "quiz.started", question)
    blind_timer = loop.call_later(QUIZ_WAIT, answer_blind)
    if terminals:
        await all_answered.wait()
    blind_timer.cancel()
    sent = sum(len(lesson.sent) for lesson in lessons)
    expected = sent * (MEMBERS - 1)
    all_sent = time.perf_counter()
    # The server is still working while anything arrives (acks included); stop after --drain s of silence.
    while counters.delivered < expected:
        if time.perf_counter() - max(counters.last_message, all_sent) > args.drain:
            break
        await asyncio.sleep(0.02)
    cpu_after = cpu_snapshot(server_pid)
    if profiler is not None:
        stop_profiler(profiler)
    drops = server.over_capacity()
    storm_s = max(counters.last_delivery, t0) - t0

    latencies, lost, lessons_with_loss, lost_to_dropped = [], 0, 0, 0
    for lesson in lessons:
        lesson_lost = 0
        for key, sent_at in lesson.sent.items():
            for member in lesson.members:
                if member.key == key:
                    continue
                arrived = member.seen.get(key)
                if arrived is None:
                    lesson_lost += 1
                    lost_to_dropped += member.dropped or bool(member.failed)
                else:
                    latencies.append(arrived - sent_at)
        lost += lesson_lost
        lessons_with_loss += lesson_lost > 0
    latencies.sort()
    ack_latencies = sorted(m.ack_at - m.sent_at for m in live if m.ack_at and m.sent_at)
    dropped = counters.dropped
    close_codes = dict(counters.close_codes)

    gate = asyncio.Semaphore(args.ramp)

    async def leave(member: Member) -> None:
        async with gate:
            try:
                await member.ws.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                member.ws.transport.abort()
        if member.reader is not None:
            await asyncio.wait([member.reader], timeout=5)

    await asyncio.gather(*(leave(m) for m in live))
    return StormResult(
        name=name,
        clients=len(members),
        failed=len(failed),
        connect_s=connect_s,
        settle_s=settle_s,
        sent=sent,
        expected=expected,
        delivered=len(latencies),
        lost=lost,
        lost_to_dropped=lost_to_dropped,
        lessons_with_loss=lessons_with_loss,
        out_of_order=sum(m.out_of_order for m in members),
        errors=sum(len(m.errors) for m in members),
        dropped=dropped,
        close_codes=close_codes,
        blind=blind,
        storm_s=storm_s,
        msgs_per_s=len(latencies) / storm_s if storm_s > 0 else 0.0,
        latencies=latencies,
        ack_latencies=ack_latencies,
        cpu=cpu_used(cpu_before, cpu_after),
        inbox_drops=(drops_before, drops - drops_before),
    ), [m.failed for m in failed[:3]]


def storm(name: str, server: Server, plans: list[LessonPlan], args, seed: int):
    """One system's run on a fresh event loop, so nothing of the previous run's loop carries over."""
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(run_storm(name, plans, server, args, seed))


def stored_storm_events() -> int:
    """Storm events in the event log: every acked event must be there, delivered or not."""
    from sanke.live.models import LessonEvent

    return LessonEvent.objects.filter(type__in=STORM_TYPES).count()

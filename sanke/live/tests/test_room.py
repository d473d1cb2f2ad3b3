"""The lesson room over WebSockets: host and classroom terminals, events, attendance, resume, signaling."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.testing import WebsocketCommunicator

from sanke.live.events import replay
from sanke.live.models import LessonEvent, LiveSession
from sanke.live.routing import websocket_urlpatterns
from sanke.live.selectors import last_event_seq
from sanke.timetable.models import Lesson

pytestmark = pytest.mark.django_db(transaction=True)


def run(coroutine_factory):
    """Own event loop in a worker thread (the session's Playwright keeps a loop on the main thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_factory()).result(timeout=60)


def application():
    from channels.routing import URLRouter

    return URLRouter(websocket_urlpatterns)


async def join(user, lesson):
    communicator = WebsocketCommunicator(application(), f"/ws/lessons/{lesson.pk}/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def next_of(communicator, kind, event_type=None, timeout=5):
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind and (event_type is None or message["event"]["type"] == event_type):
            return message


async def started_by_host(world, lesson):
    """The host teacher's socket, after starting the lesson."""
    host, _, _ = await join(world.users["teacher"], lesson)
    await host.send_json_to({"type": "start", "id": "s"})
    await next_of(host, "ack")
    return host


def test_outsiders_cannot_join_and_a_terminal_joins_only_its_own_lessons(world, lesson):
    async def scenario():
        codes = []
        for username in ("outsider_teacher", "outsider_admin", "guardian"):
            _c, connected, code = await join(world.users[username], lesson)
            codes.append((connected, code))
        return codes

    assert run(scenario) == [(False, 4403)] * 3


def test_a_quiz_round_trip_reaches_the_host_with_each_classrooms_answer(world, lesson):
    room = world.classrooms["longjing"].pk

    async def scenario():
        host, ok_host, _ = await join(world.users["teacher"], lesson)
        terminal, ok_terminal, _ = await join(world.users["terminal_longjing"], lesson)
        assert ok_host and ok_terminal
        hello = await next_of(terminal, "hello")
        await host.send_json_to({"type": "start", "id": "s"})
        await next_of(host, "ack")
        joined = await next_of(host, "event", "classroom.joined")  # the waiting terminal is now present
        await host.send_json_to(
            {
                "type": "event",
                "id": 1,
                "event": "quiz.started",
                "payload": {"quiz": 1, "kind": "single", "question": "How many?", "options": ["A", "B", "C"]},
            }
        )
        await next_of(terminal, "event", "quiz.started")
        await terminal.send_json_to(
            {
                "type": "event",
                "id": 2,
                "event": "quiz.answered",
                "payload": {"quiz": 1, "classroom": room, "counts": {"A": 9, "C": 3}},
            }
        )
        answered = await next_of(host, "event", "quiz.answered")
        # a terminal cannot answer for another classroom: refused, nothing stored
        await terminal.send_json_to(
            {
                "type": "event",
                "id": 3,
                "event": "quiz.answered",
                "payload": {"quiz": 1, "classroom": room + 99, "counts": {"A": 1}},
            }
        )
        refused = await next_of(terminal, "error")
        await host.disconnect()
        await terminal.disconnect()
        return hello, joined, answered, refused

    hello, joined, answered, refused = run(scenario)
    assert hello["role"] == "classroom" and hello["classroom"] == room
    assert joined["event"]["payload"] == {"classroom": room}
    assert answered["event"]["payload"]["counts"] == {"A": 9, "C": 3}
    assert refused["id"] == 3
    state = replay(LessonEvent.objects.filter(lesson=lesson).order_by("seq"))
    assert state.quizzes[1].totals() == {"A": 9, "B": 0, "C": 3}
    assert state.attendance[room][0][1] is not None  # left when the terminal disconnected


def test_a_terminal_that_drops_resumes_without_losing_events(world, lesson):
    room = world.classrooms["longjing"].pk

    async def scenario():
        host = await started_by_host(world, lesson)
        terminal, _, _ = await join(world.users["terminal_longjing"], lesson)
        await terminal.send_json_to({"type": "resume", "since": 0})
        first = await next_of(terminal, "event", "lesson.started")
        seen = first["event"]["seq"]
        await terminal.disconnect()  # the village network drops
        for n in range(3):
            await host.send_json_to(
                {"type": "event", "id": n, "event": "chat.message", "payload": {"text": f"第{n}题"}}
            )
            await next_of(host, "ack")
        terminal, _, _ = await join(world.users["terminal_longjing"], lesson)  # reconnects by itself
        await terminal.send_json_to({"type": "resume", "since": seen})
        missed = [await next_of(terminal, "event", "chat.message") for _ in range(3)]
        await host.disconnect()
        await terminal.disconnect()
        return [m["event"]["payload"]["text"] for m in missed]

    assert run(scenario) == ["第0题", "第1题", "第2题"]
    state = replay(LessonEvent.objects.filter(lesson=lesson).order_by("seq"))
    assert len(state.attendance[room]) == 2  # two connected intervals
    assert state.chat == 3


def test_signaling_is_relayed_to_one_participant_and_not_stored(world, lesson):
    room = world.classrooms["longjing"].pk

    async def scenario():
        host, _, _ = await join(world.users["teacher"], lesson)
        terminal, _, _ = await join(world.users["terminal_longjing"], lesson)
        await host.send_json_to({"type": "signal", "to": f"classroom-{room}", "data": {"sdp": "offer"}})
        relayed = await next_of(terminal, "signal")
        await host.disconnect()
        await terminal.disconnect()
        return relayed

    relayed = run(scenario)
    assert relayed == {"type": "signal", "from": "host", "data": {"sdp": "offer"}}
    assert not LessonEvent.objects.filter(lesson=lesson).exists()  # not started, nothing stored


def test_events_sent_at_once_are_numbered_and_delivered_in_order(world, lesson):
    """Two senders at once, neither waiting for acknowledgements: every event is acknowledged with its
    number, and every member receives all of them in number order without gaps."""
    room = world.classrooms["longjing"].pk
    per_sender = 15
    messages = {
        "host": ("chat.message", {"text": "请看黑板"}),
        "terminal": ("hand.raised", {"classroom": room}),
    }

    async def scenario():
        observer, ok, _ = await join(world.users["inspector"], lesson)  # on patrol: sees everything
        host = await started_by_host(world, lesson)
        terminal, _, _ = await join(world.users["terminal_longjing"], lesson)
        await next_of(observer, "event", "classroom.joined")
        senders = {"host": host, "terminal": terminal}
        for n in range(per_sender):  # both send without waiting for acknowledgements
            for name, communicator in senders.items():
                event, payload = messages[name]
                await communicator.send_json_to(
                    {"type": "event", "id": n, "event": event, "payload": payload}
                )
        acks = {name: [await next_of(c, "ack") for _ in range(per_sender)] for name, c in senders.items()}
        seen = []
        while len(seen) < 2 * per_sender:
            message = await next_of(observer, "event")
            if message["event"]["type"] in ("chat.message", "hand.raised"):
                seen.append(message["event"]["seq"])
        for communicator in (observer, host, terminal):
            await communicator.disconnect()
        return ok, acks, seen

    ok, acks, seen = run(scenario)
    assert ok
    acked = sorted(ack["seq"] for name in messages for ack in acks[name])
    assert seen == acked == list(range(seen[0], seen[0] + 2 * per_sender))  # gap-free, in order
    assert all(sorted(a["id"] for a in acks[name]) == list(range(per_sender)) for name in messages)
    stored = list(LessonEvent.objects.filter(lesson=lesson).values_list("seq", flat=True))
    assert stored == list(range(1, len(stored) + 1))
    assert last_event_seq(lesson.pk) == len(stored)


def test_the_writer_stores_events_that_arrive_together_in_one_batch(world, lesson, monkeypatch):
    """Group commit: what arrives while a batch is being written goes into the next one, not one by one."""
    from sanke.live import actions
    from sanke.live.writer import writer

    batches = []
    original = actions.do_record_events

    def counting(pending):
        batches.append(len(pending))
        return original(pending)

    monkeypatch.setattr(actions, "do_record_events", counting)
    Lesson.objects.filter(pk=lesson.pk).update(status="live")
    LiveSession.objects.create(lesson=lesson)
    room = world.classrooms["longjing"].pk
    actor = world.users["terminal_longjing"].pk

    async def scenario():
        first = await writer().record(
            actions.PendingEvent(lesson.pk, "hand.raised", {"classroom": room}, actor)
        )
        storm = [
            actions.PendingEvent(lesson.pk, "hand.lowered", {"classroom": room}, actor) for _ in range(20)
        ]
        return first, await asyncio.gather(*(writer().record(item) for item in storm))

    first, stored = run(scenario)
    assert batches == [1, 20]
    assert first.seq == 1 and [event.seq for event in stored] == list(range(2, 22))
    assert LessonEvent.objects.filter(lesson=lesson).count() == 21


def test_a_student_votes_for_themself_in_their_own_classroom_and_does_nothing_else(world, lesson):
    room = world.classrooms["longjing"].pk

    async def scenario():
        host = await started_by_host(world, lesson)
        student, ok, _ = await join(world.users["student"], lesson)
        hello = await next_of(student, "hello")
        quiz = {"quiz": 1, "kind": "single", "question": "?", "options": ["A", "B"]}
        await host.send_json_to({"type": "event", "id": 1, "event": "quiz.started", "payload": quiz})
        await next_of(student, "event", "quiz.started")
        # the classroom and the pseudonym are the server's to say, whatever the device sends
        vote = {"quiz": 1, "choice": ["B"], "classroom": room + 99, "voter": "someone-else"}
        await student.send_json_to({"type": "event", "id": 2, "event": "quiz.voted", "payload": vote})
        ack = await next_of(student, "ack")
        voted = await next_of(host, "event", "quiz.voted")
        await student.send_json_to(
            {"type": "event", "id": 3, "event": "hand.raised", "payload": {"classroom": room}}
        )
        refused = await next_of(student, "error")
        await host.send_json_to({"type": "event", "id": 4, "event": "quiz.voted", "payload": vote})
        host_refused = await next_of(host, "error")  # only students vote
        for communicator in (host, student):
            await communicator.disconnect()
        return ok, hello, ack, voted, refused, host_refused

    ok, hello, ack, voted, refused, host_refused = run(scenario)
    assert ok and hello["role"] == "student" and hello["classroom"] == room
    assert ack["id"] == 2 and refused["id"] == 3 and host_refused["id"] == 4
    payload = voted["event"]["payload"]
    assert payload["classroom"] == room and payload["choice"] == ["B"]
    assert payload["voter"] != "someone-else" and len(payload["voter"]) == 16
    state = replay(LessonEvent.objects.filter(lesson=lesson).order_by("seq"))
    assert state.quizzes[1].tallies == {room: {"B": 1}}
    assert room not in state.attendance  # a student's phone is not the classroom's attendance


def test_a_failed_write_is_an_error_for_the_sender_and_the_room_goes_on(world, lesson, monkeypatch):
    from django.db import DatabaseError

    from sanke.live import actions

    original = actions.do_record_events
    failures = iter([True])

    def flaky(pending):  # the database refuses the first batch only
        if next(failures, False):
            raise DatabaseError("connection lost")
        return original(pending)

    async def scenario():
        host = await started_by_host(world, lesson)
        monkeypatch.setattr(actions, "do_record_events", flaky)
        chat = {"type": "event", "event": "chat.message", "payload": {"text": "请看黑板"}}
        await host.send_json_to({**chat, "id": 1})
        error = await next_of(host, "error")
        await host.send_json_to({**chat, "id": 2})  # the same socket, tried again
        ack = await next_of(host, "ack")
        await host.disconnect()
        return error, ack

    error, ack = run(scenario)
    assert error["id"] == 1 and ack["id"] == 2
    assert LessonEvent.objects.filter(lesson=lesson, type="chat.message").count() == 1

"""Lesson sockets follow the account (disable, role revoke, logout, session end, password change), a
participant's messages are bounded in rate and size, and the lesson record is only for those who run or
oversee the lesson."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanke.accounts.actions import (
    do_change_password,
    do_create_account,
    do_grant_role,
    do_reset_password,
    do_revoke_role,
    do_set_account_active,
)
from sanke.accounts.choices import Role
from sanke.accounts.models import RoleAssignment
from sanke.live import consumers
from sanke.live.limits import MAX_ANSWERS_PER_QUIZ, MAX_FRAME_BYTES
from sanke.live.models import LessonEvent
from sanke.live.tests.test_room import join, next_of, run, started_by_host

pytestmark = pytest.mark.django_db(transaction=True)
CJK = re.compile(r"[\u4e00-\u9fff]")
QUIZ = {"quiz": 1, "kind": "single", "question": "?", "options": ["A", "B"]}


async def close_code(communicator, timeout=3):
    """What the server sends until it closes the socket (waiting for the close, no sleeping): its code."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


async def drained(communicator, quiet=0.5) -> list[dict]:
    """Everything the server sends until it has been quiet for ``quiet`` seconds (presence news of other
    participants may arrive at any moment, so a test looks for what matters among them)."""
    outputs = []
    while not await communicator.receive_nothing(timeout=quiet):
        outputs.append(await communicator.receive_output())
    return outputs


def closed(outputs) -> bool:
    return any(output["type"] == "websocket.close" for output in outputs)


def of_type(outputs, kind: str) -> list[dict]:
    return [
        m
        for o in outputs
        if o["type"] == "websocket.send"
        for m in [json.loads(o["text"])]
        if m["type"] == kind
    ]


async def events_heard(communicator, event_type: str, expected: int) -> int:
    """How many ``event_type`` events arrive: first the ``expected`` ones (waited for, however slow the
    broadcast), then whatever else comes before the socket is quiet — a refused one would show as extra."""
    heard = 0
    while heard < expected:
        message = await communicator.receive_json_from(timeout=10)
        heard += message["type"] == "event" and message["event"]["type"] == event_type
    extra = of_type(await drained(communicator), "event")
    return heard + sum(m["event"]["type"] == event_type for m in extra)


async def replies(communicator, timeout=3):
    """Every JSON message the server sends until it closes the socket, and the close code."""
    messages = []
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return messages, output.get("code")
        messages.append(json.loads(output["text"]))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def join_with_session(user, lesson, session_key):
    """A socket opened from a logged-in browser: AuthMiddlewareStack puts its session in the scope."""
    from channels.testing import WebsocketCommunicator

    from sanke.live.tests.test_room import application

    communicator = WebsocketCommunicator(application(), f"/ws/lessons/{lesson.pk}/")
    communicator.scope["user"] = user
    communicator.scope["session"] = SessionStore(session_key)
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


# --- sockets follow the account ---------------------------------------------------------------------------
def test_disabling_an_account_closes_its_open_lesson_socket(world, lesson):
    terminal_user = world.users["terminal_longjing"]

    async def scenario():
        host = await started_by_host(world, lesson)
        terminal, ok, _ = await join(terminal_user, lesson)
        await next_of(terminal, "hello")
        await database_sync_to_async(do_set_account_active)(
            terminal_user, False, acting_user=world.users["county_admin"]
        )
        code = await close_code(terminal)
        await terminal.disconnect()
        await host.disconnect()
        return ok, code

    ok, code = run(scenario)
    assert ok and code == consumers.CLOSE_ACCOUNT


def test_revoking_the_role_closes_the_socket_it_opened(world, lesson):
    inspector = world.users["inspector"]
    grant = RoleAssignment.objects.get(user=inspector, role=Role.INSPECTOR)

    async def scenario():
        observer, ok, _ = await join(inspector, lesson)
        hello = await next_of(observer, "hello")
        await database_sync_to_async(do_revoke_role)(grant, acting_user=world.users["county_admin"])
        code = await close_code(observer)
        await observer.disconnect()
        return ok, hello, code

    ok, hello, code = run(scenario)
    assert ok and hello["role"] == "observer"
    assert code == consumers.CLOSE_FORBIDDEN


def test_a_forced_password_change_closes_the_socket(world, lesson):
    teacher = world.users["teacher"]

    async def scenario():
        host, ok, _ = await join(teacher, lesson)
        await next_of(host, "hello")
        await database_sync_to_async(do_reset_password)(teacher, acting_user=world.users["school_admin"])
        code = await close_code(host)
        await host.disconnect()
        # and it cannot come back until the password is changed
        _again, connected, again = await join(teacher, lesson)
        return ok, code, connected, again

    ok, code, connected, again = run(scenario)
    assert ok and code == consumers.CLOSE_ACCOUNT
    assert not connected and again == consumers.CLOSE_ACCOUNT


def test_changing_the_password_ends_the_sockets_of_other_sessions(world, lesson):
    student = world.users["student"]
    session_key = logged_in(student).session.session_key

    async def scenario():
        pad = await join_with_session(student, lesson, session_key)
        await next_of(pad, "hello")
        await database_sync_to_async(do_change_password)(student, "Kq7#new-Password", acting_user=student)
        code = await close_code(pad)
        await pad.disconnect()
        return code

    assert run(scenario) == consumers.CLOSE_ACCOUNT


def test_logging_out_closes_the_sockets_of_that_session_only(world, lesson):
    student = world.users["student"]
    phone, tablet = logged_in(student), logged_in(student)

    async def scenario():
        on_phone = await join_with_session(student, lesson, phone.session.session_key)
        on_tablet = await join_with_session(student, lesson, tablet.session.session_key)
        for pad in (on_phone, on_tablet):
            await next_of(pad, "hello")
        response = await database_sync_to_async(phone.post)(reverse("accounts:logout"))
        code = await close_code(on_phone)
        tablet_still_open = not closed(await drained(on_tablet))
        for pad in (on_phone, on_tablet):
            await pad.disconnect()
        return response.status_code, code, tablet_still_open

    status, code, tablet_still_open = run(scenario)
    assert status == 302 and code == consumers.CLOSE_ACCOUNT
    assert tablet_still_open


def test_an_admin_ending_the_sessions_closes_the_sockets(world, lesson):
    terminal_user = world.users["terminal_longjing"]
    session_key = logged_in(terminal_user).session.session_key

    async def scenario():
        terminal = await join_with_session(terminal_user, lesson, session_key)
        await next_of(terminal, "hello")
        await database_sync_to_async(lambda: Session.objects.filter(session_key=session_key).delete())()
        code = await close_code(terminal)
        await terminal.disconnect()
        return code

    assert run(scenario) == consumers.CLOSE_ACCOUNT


def test_an_expired_session_is_noticed_on_the_next_message_even_without_a_group_message(
    world, lesson, monkeypatch
):
    """The idle timeout deletes nothing, so no message comes: the socket checks again before it acts."""
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0)
    terminal_user = world.users["terminal_longjing"]
    room = world.classrooms["longjing"].pk
    session_key = logged_in(terminal_user).session.session_key

    async def scenario():
        host = await started_by_host(world, lesson)
        terminal = await join_with_session(terminal_user, lesson, session_key)
        await next_of(terminal, "hello")
        await database_sync_to_async(
            lambda: Session.objects.filter(session_key=session_key).update(
                expire_date=timezone.now() - dt.timedelta(seconds=1)
            )
        )()
        hand = {"type": "event", "id": 1, "event": "hand.raised", "payload": {"classroom": room}}
        await terminal.send_json_to(hand)
        messages, code = await replies(terminal)
        await terminal.disconnect()
        await host.disconnect()
        return messages, code

    messages, code = run(scenario)
    assert code == consumers.CLOSE_ACCOUNT
    assert not [m for m in messages if m["type"] == "ack"]
    assert not LessonEvent.objects.filter(lesson=lesson, type="hand.raised").exists()


# --- limits on what one participant sends ---------------------------------------------------------------
def test_a_flood_of_votes_is_refused_stored_and_broadcast_at_most_a_few_times(world, lesson):
    flood = 300

    async def scenario():
        host = await started_by_host(world, lesson)
        await host.send_json_to({"type": "event", "id": "q", "event": "quiz.started", "payload": QUIZ})
        await next_of(host, "ack")
        student, _, _ = await join(world.users["student"], lesson)
        await next_of(student, "hello")
        for n in range(flood):  # as fast as a script can, never waiting for an answer
            choice = ["A"] if n % 2 else ["B"]
            await student.send_json_to(
                {"type": "event", "id": n, "event": "quiz.voted", "payload": {"quiz": 1, "choice": choice}}
            )
        messages, code = await replies(student)
        await student.disconnect()
        # the host hears every stored vote (waited for, as many as were acknowledged), then nothing more
        acked = sum(m["type"] == "ack" for m in messages)
        heard = await events_heard(host, "quiz.voted", acked)
        await host.disconnect()
        return messages, code, heard

    messages, code, heard = run(scenario)
    stored = LessonEvent.objects.filter(lesson=lesson, type="quiz.voted").count()
    acks = [m for m in messages if m["type"] == "ack"]
    errors = [m for m in messages if m["type"] == "error"]
    assert 1 <= stored <= MAX_ANSWERS_PER_QUIZ
    assert len(acks) == stored and heard == stored  # what was refused was neither stored nor broadcast
    assert errors and {e["code"] for e in errors} <= {"rate_limited", "answer_limit"}
    assert all(CJK.search(e["error"]) for e in errors)  # a message the page can show
    assert code == consumers.CLOSE_TOO_MANY  # persistent abuse closes the socket


def test_a_burst_of_chat_beyond_the_rate_is_refused_with_nothing_stored_or_broadcast(world, lesson):
    burst = 45  # the socket's bucket holds 30; fewer refusals than close the socket

    async def scenario():
        host = await started_by_host(world, lesson)
        terminal, _, _ = await join(world.users["terminal_longjing"], lesson)
        await next_of(terminal, "hello")
        for n in range(burst):  # without waiting for acknowledgements
            await host.send_json_to(
                {"type": "event", "id": n, "event": "chat.message", "payload": {"text": f"{n}"}}
            )
        answers = []
        while len(answers) < burst:
            message = await host.receive_json_from()
            if message["type"] in ("ack", "error"):
                answers.append(message)
        heard = await events_heard(terminal, "chat.message", sum(a["type"] == "ack" for a in answers))
        await host.disconnect()
        await terminal.disconnect()
        return answers, heard

    answers, heard = run(scenario)
    acked = [a for a in answers if a["type"] == "ack"]
    refused = [a for a in answers if a["type"] == "error"]
    stored = LessonEvent.objects.filter(lesson=lesson, type="chat.message").count()
    assert stored == len(acked) == heard < burst
    assert refused and all(a["code"] == "rate_limited" and CJK.search(a["error"]) for a in refused)


def test_an_oversized_frame_is_refused_before_it_is_relayed(world, lesson):
    room = world.classrooms["longjing"].pk

    async def scenario():
        host, _, _ = await join(world.users["teacher"], lesson)
        terminal, _, _ = await join(world.users["terminal_longjing"], lesson)
        await next_of(host, "hello")
        await next_of(terminal, "hello")
        await next_of(host, "presence")
        huge = {"type": "signal", "to": f"classroom-{room}", "data": {"sdp": "x" * (MAX_FRAME_BYTES + 1)}}
        await host.send_json_to(huge)
        refused = await next_of(host, "error")
        nothing_relayed = not of_type(await drained(terminal), "signal")
        # an offer of normal size still goes through
        await host.send_json_to({"type": "signal", "to": f"classroom-{room}", "data": {"sdp": "y" * 12_000}})
        relayed = await next_of(terminal, "signal")
        await host.disconnect()
        await terminal.disconnect()
        return refused, nothing_relayed, relayed

    refused, nothing_relayed, relayed = run(scenario)
    assert refused["code"] == "too_large" and CJK.search(refused["error"])
    assert nothing_relayed
    assert len(relayed["data"]["sdp"]) == 12_000


def test_a_frame_that_is_not_json_is_refused_without_breaking_the_socket(world, lesson):
    async def scenario():
        host, _, _ = await join(world.users["teacher"], lesson)
        await next_of(host, "hello")
        await host.send_to(text_data="{not json")
        refused = await next_of(host, "error")
        await host.send_json_to({"type": "start", "id": "s"})
        ack = await next_of(host, "ack")
        await host.disconnect()
        return refused, ack

    refused, ack = run(scenario)
    assert refused["code"] == "unreadable" and ack["id"] == "s"


# --- the lesson record ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_lesson_record_is_for_the_host_side_receiving_schools_and_scoped_staff(world, client_for):
    from sanke.live.tests.test_lifecycle import live_lesson

    taught = live_lesson(world)
    receiving_admin = do_create_account(
        username="longjing_admin", password="Kq7#Password-1", must_change_password=False, acting_user=None
    )
    do_grant_role(receiving_admin, Role.SCHOOL_ADMIN, school=world.schools["longjing"], acting_user=None)
    unrelated = do_create_account(
        username="junior_teacher", password="Kq7#Password-1", must_change_password=False, acting_user=None
    )
    do_grant_role(unrelated, Role.TEACHER, school=world.schools["junior"], acting_user=None)
    users = {
        **{name: world.users[name] for name in ("teacher", "school_admin", "county_admin", "inspector")},
        **{
            name: world.users[name]
            for name in ("student", "guardian", "terminal_longjing", "outsider_teacher")
        },
        "longjing_admin": receiving_admin,
        "junior_teacher": unrelated,
    }
    url = reverse("live:record", args=[taught.pk])

    statuses = {name: client_for(user).get(url).status_code for name, user in users.items()}

    allowed = {"teacher", "school_admin", "county_admin", "inspector", "longjing_admin"}
    assert {name for name, status in statuses.items() if status == 200} == allowed
    assert all(statuses[name] in (403, 404) for name in set(users) - allowed), statuses
    assert statuses["student"] == statuses["terminal_longjing"] == 403  # they see the lesson, not its record


@pytest.mark.django_db
@pytest.mark.clock("2026-11-24 16:00")  # the day of the lesson, after it ended: home lists it as taught
def test_pages_offer_the_record_only_to_those_who_may_read_it(world, client_for):
    """The record link (lesson page, home page) shows for the host side and staff; students, guardians
    and terminals, who get 403 there, are not offered it."""
    from sanke.live.actions import do_end_lesson
    from sanke.live.tests.test_lifecycle import live_lesson

    taught = live_lesson(world)
    do_end_lesson(taught, acting_user=world.users["teacher"])
    lesson_page = reverse("timetable:lesson", args=[taught.pk])
    offered = {}
    for name in ("teacher", "county_admin", "inspector", "student", "terminal_longjing"):
        client = client_for(world.users[name])
        body = client.get(lesson_page).content.decode() + client.get(reverse("home")).content.decode()
        offered[name] = 'data-testid="lesson-record"' in body
    assert offered == {
        "teacher": True,
        "county_admin": True,
        "inspector": True,
        "student": False,
        "terminal_longjing": False,
    }

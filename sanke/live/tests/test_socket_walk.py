"""The lesson socket walked as every role: who may connect, and which event each role may send.

Roles come from ``Role`` (through the HTTP walk's persona table), event types from ``events.SCHEMAS`` with an
example of each from ``test_events.VALID``: a new role or a new event type is walked without touching this
file. What each role may do is the policy declared in ``live/access.py`` (host-only, classroom-only and
student-only events; observers watch); a refused event is answered with an error and stores nothing.
"""

from __future__ import annotations

import copy

import pytest

from sanke.core.tests.test_scope_walk import OUTSIDERS, ROLE_PERSONAS
from sanke.live.access import CLASSROOM_ONLY, HOST_ONLY, STUDENT_ONLY, participant
from sanke.live.events import SCHEMAS
from sanke.live.models import LessonEvent
from sanke.live.tests.test_events import VALID
from sanke.live.tests.test_room import join, next_of, run

pytestmark = pytest.mark.django_db(transaction=True)
LIFECYCLE = {"lesson.started", "lesson.ended"}


def may_send(role: str, event_type: str) -> bool:
    """The declared policy, independent of the code that enforces it."""
    if event_type in LIFECYCLE:
        return False  # only through start / end
    if role == "student":
        return event_type in STUDENT_ONLY
    if role == "host":
        return event_type not in CLASSROOM_ONLY | STUDENT_ONLY
    if role == "classroom":
        return event_type not in HOST_ONLY | STUDENT_ONLY
    return False  # observers watch


def example(event_type: str, classroom_id: int) -> dict:
    payload = copy.deepcopy(VALID[event_type])
    if "classroom" in payload and payload["classroom"] is not None:
        payload["classroom"] = classroom_id
    return payload


async def answer_to(communicator, message_id):
    """The ack or error for ``message_id`` (events and presence of others may come first)."""
    while True:
        message = await communicator.receive_json_from(timeout=5)
        if message.get("type") in {"ack", "error"} and message.get("id") == message_id:
            return message


def test_every_role_connects_as_its_declared_part_and_sends_only_its_events(world, lesson):
    personas = ["province_admin", *ROLE_PERSONAS.values(), *OUTSIDERS]
    expected = {}
    for name in personas:
        who = participant(world.users[name], lesson)
        expected[name] = who.role if who else None
    # the walk covers every part a participant can play, and refuses the roles that have no part
    assert {"host", "classroom", "student", "observer"} <= set(expected.values())
    assert expected["guardian"] is None and all(expected[name] is None for name in OUTSIDERS)
    room = world.classrooms["longjing"].pk
    assert set(VALID) == set(SCHEMAS)

    async def scenario():
        failures, sockets = [], {}
        for name in personas:
            communicator, connected, code = await join(world.users[name], lesson)
            if expected[name] is None:
                if connected or code != 4403:
                    failures.append(f"{name} connected ({connected}, {code}) but has no part in the lesson")
                continue
            if not connected:
                failures.append(f"{name} refused ({code}) but should join as {expected[name]}")
                continue
            hello = await next_of(communicator, "hello")
            if hello["role"] != expected[name]:
                failures.append(f"{name} joined as {hello['role']}, not {expected[name]}")
            sockets[name] = communicator
        # only the host may start; everyone else is told no
        for name, communicator in sockets.items():
            if expected[name] != "host":
                await communicator.send_json_to({"type": "start", "id": f"start-{name}"})
                if (await answer_to(communicator, f"start-{name}"))["type"] != "error":
                    failures.append(f"{name} ({expected[name]}) started the lesson")
        await sockets["teacher"].send_json_to({"type": "start", "id": "start"})
        started = await answer_to(sockets["teacher"], "start")
        if started["type"] != "ack":
            failures.append(f"the host teacher could not start: {started}")
        for name, communicator in sockets.items():
            role = expected[name]
            for n, event_type in enumerate(sorted(SCHEMAS)):
                before = await _count(lesson)
                message_id = f"{name}-{n}"
                payload = example(event_type, room)
                await communicator.send_json_to(
                    {"type": "event", "id": message_id, "event": event_type, "payload": payload}
                )
                answer = await answer_to(communicator, message_id)
                stored = await _count(lesson) - before
                if may_send(role, event_type):
                    if answer["type"] != "ack":
                        failures.append(f"{name} ({role}) {event_type} refused: {answer.get('error')}")
                elif answer["type"] != "error" or stored:
                    failures.append(f"{name} ({role}) {event_type} → {answer['type']}, {stored} stored")
            # observers and students take no part in the media star
            await communicator.send_json_to({"type": "signal", "id": f"sig-{name}", "to": "host", "data": {}})
            if role in {"observer", "student", "host"}:
                answer = await answer_to(communicator, f"sig-{name}")
                if answer["type"] != "error":
                    failures.append(f"{name} ({role}) may signal the host")
        for communicator in sockets.values():
            await communicator.disconnect()
        return failures

    failures = run(scenario)
    assert not failures, "\n".join(failures)


async def _count(of_lesson) -> int:
    from channels.db import database_sync_to_async

    return await database_sync_to_async(LessonEvent.objects.filter(lesson_id=of_lesson.pk).count)()

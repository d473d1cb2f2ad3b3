"""The terminal's push socket: a move of a lesson reaches the terminals of the classrooms that receive it at
once, and nobody else; only classroom terminal accounts may listen."""

from __future__ import annotations

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.live.routing import websocket_urlpatterns
from sanke.live.tests.test_room import run
from sanke.timetable.actions import do_cancel_lesson, do_move_lesson
from sanke.timetable.models import Lesson

pytestmark = pytest.mark.django_db(transaction=True)


async def listen(user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/terminal/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


def test_a_move_reaches_the_receiving_terminals_at_once_and_no_one_else(world, county_admin):
    thursday = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 26))
    # a terminal of 龙井's fifth-grade room, which receives no English
    other = do_create_account(
        username="terminal_longjing5", password="Term#Pass1", must_change_password=False, acting_user=None
    )
    do_grant_role(
        other, Role.CLASSROOM_TERMINAL, classroom=world.classrooms["longjing-5"], acting_user=county_admin
    )

    async def scenario():
        receiving, connected, _ = await listen(world.users["terminal_longjing"])
        assert connected
        bystander, connected, _ = await listen(other)
        assert connected
        # when the county moves the lesson to an agreed time
        await database_sync_to_async(do_move_lesson)(
            thursday, dt.date(2026, 11, 25), start_minute=16 * 60, acting_user=county_admin
        )
        # then 龙井's terminal hears of it, the other classroom's does not
        assert await receiving.receive_json_from(timeout=5) == {"type": "agenda"}
        assert await bystander.receive_nothing(timeout=0.5)
        # and a cancellation likewise
        await database_sync_to_async(do_cancel_lesson)(thursday, "停电", acting_user=county_admin)
        assert await receiving.receive_json_from(timeout=5) == {"type": "agenda"}
        await receiving.disconnect()
        await bystander.disconnect()

    run(scenario)


def test_only_classroom_terminals_may_listen(world):
    async def scenario():
        codes = []
        for name in ("teacher", "county_admin", "student", "guardian", "outsider_admin"):
            _c, connected, code = await listen(world.users[name])
            codes.append((name, connected, code))
        return codes

    assert all(not connected and code == 4403 for _name, connected, code in run(scenario))

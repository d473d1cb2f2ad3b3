"""The embedded default's channel layer carries group messages between processes (several web workers)."""

from __future__ import annotations

import asyncio
import socket
import sys
import textwrap

import pytest

from sanke.core.socket_layer import UnixSocketChannelLayer
from sanke.testing.aio import run_async
from sanke.testing.servers import ROOT


def receive_all(layer, channel, count, timeout=5.0):
    async def collect():
        return [await layer.receive(channel) for _ in range(count)]

    return asyncio.wait_for(collect(), timeout)


def test_a_group_message_reaches_the_members_in_another_process_in_order(tmp_path):
    directory = tmp_path / "channels"
    sender = textwrap.dedent(
        f"""
        import asyncio
        from asgiref.sync import async_to_sync
        from sanke.core.socket_layer import UnixSocketChannelLayer
        layer = UnixSocketChannelLayer({str(directory)!r})
        for n in range(200):  # as a page view or the Celery worker broadcasts: from sync code
            message = {{"type": "lesson.event", "n": n, "text": "请看黑板"}}
            async_to_sync(layer.group_send)("lesson.7", message)
        """
    )

    async def scenario():
        here = UnixSocketChannelLayer(str(directory))
        member = await here.new_channel()
        await here.group_add("lesson.7", member)
        elsewhere = await here.new_channel()
        await here.group_add("lesson.8", elsewhere)  # another lesson hears nothing
        listening = asyncio.ensure_future(receive_all(here, member, 200, timeout=20))  # a consumer reads on
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", sender, cwd=ROOT)
        assert await process.wait() == 0
        messages = await listening
        assert [m["n"] for m in messages] == list(range(200))
        assert messages[0]["text"] == "请看黑板"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(here.receive(elsewhere), 0.3)

    run_async(scenario)


def test_members_of_both_processes_hear_each_other_and_a_dead_process_is_forgotten(tmp_path):
    directory = tmp_path / "channels"
    stale = directory / "999999-dead.sock"  # what a killed process leaves behind
    directory.mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as gone:
        gone.bind(str(stale))

    async def scenario():
        first, second = UnixSocketChannelLayer(str(directory)), UnixSocketChannelLayer(str(directory))
        a, b = await first.new_channel(), await second.new_channel()
        await first.group_add("lesson.1", a)
        await second.group_add("lesson.1", b)
        await first.group_send("lesson.1", {"type": "x", "from": "first"})
        await second.group_send("lesson.1", {"type": "x", "from": "second"})
        assert {m["from"] for m in await receive_all(first, a, 2)} == {"first", "second"}
        assert {m["from"] for m in await receive_all(second, b, 2)} == {"first", "second"}
        await second.group_discard("lesson.1", b)
        await first.group_send("lesson.1", {"type": "x", "from": "after"})
        assert (await receive_all(first, a, 1))[0]["from"] == "after"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(second.receive(b), 0.3)

    run_async(scenario)
    assert not stale.exists()


def test_a_var_directory_too_deep_for_a_socket_address_gets_a_short_private_one(tmp_path):
    deep = tmp_path / ("var-of-a-long-checkout-path-" * 4) / "channels"  # past a socket address's 107 bytes

    async def scenario():
        first, second = UnixSocketChannelLayer(str(deep)), UnixSocketChannelLayer(str(deep))
        a = await first.new_channel()
        await first.group_add("lesson.2", a)
        await second.group_send("lesson.2", {"type": "x"})
        assert (await receive_all(first, a, 1))[0] == {"type": "x"}
        return first.directory

    directory = run_async(scenario)
    assert directory == UnixSocketChannelLayer(str(deep)).directory != deep
    assert directory.stat().st_mode & 0o777 == 0o700

"""Health checks of the running platform, for the IT team's status page (/system/status/)."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    millis: float


def _timed(name: str, probe) -> Check:
    start = time.perf_counter()
    try:
        ok, detail = probe()
    except Exception as exc:  # a status page reports failures, it doesn't raise them
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return Check(name, ok, detail, round((time.perf_counter() - start) * 1000, 1))


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, f"{connection.vendor} {connection.settings_dict['NAME']}".strip()


async def _ping_channel_layer(layer, attempts: int = 20, wait: float = 0.25) -> dict:
    """Send to a new channel until the message comes back, all on one event loop.

    One loop, because the pub/sub layer keeps its subscriptions per event loop; and several sends, because
    Redis may receive the first publish before the subscription it races with (pub/sub keeps nothing).
    """
    channel = await layer.new_channel()
    receiving = asyncio.ensure_future(layer.receive(channel))
    try:
        for _ in range(attempts):
            await layer.send(channel, {"type": "status.ping"})
            done, _pending = await asyncio.wait({receiving}, timeout=wait)
            if done:
                return receiving.result()
        raise TimeoutError(f"no answer within {attempts * wait:.0f} s")
    finally:
        receiving.cancel()


def _channel_layer():
    layer = get_channel_layer()
    message = async_to_sync(_ping_channel_layer)(layer)
    return message.get("type") == "status.ping", type(layer).__name__


def _worker(timeout: float):
    from sanke.core.tasks import health_check

    token = uuid.uuid4().hex
    result = health_check.apply_async(args=[token]).get(timeout=timeout)
    return result == {"token": token, "database": True}, settings.CELERY_BROKER_URL.split("://")[0]


def _disk():
    usage = shutil.disk_usage(settings.VAR_DIR)
    free_gb = usage.free / 1024**3
    return free_gb > 1, f"{free_gb:.1f} GiB free in {settings.VAR_DIR}"


def run_checks(*, worker_timeout: float = 5.0) -> list[Check]:
    return [
        _timed("database", _database),
        _timed("channel_layer", _channel_layer),
        _timed("worker", lambda: _worker(worker_timeout)),
        _timed("disk", _disk),
    ]

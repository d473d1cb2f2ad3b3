"""The platform's moving parts, for real: production checks, a Celery worker, the channel layer, status."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.urls import reverse

from sanke.core.consumers import PresenceConsumer
from sanke.core.tasks import health_check
from sanke.testing.worker import celery_worker as start_worker

ROOT = Path(__file__).resolve().parents[3]


def run_coroutine(make_coroutine):
    """Run a coroutine on its own loop in a worker thread.

    The session-wide Playwright browser keeps an event loop on the main thread, where asyncio.run and
    async_to_sync refuse to start another one.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, make_coroutine()).result(timeout=30)


def test_production_settings_pass_the_deployment_checklist():
    env = {
        **os.environ,
        "SANKE_ENV": "production",
        "SANKE_SECRET_KEY": secrets.token_urlsafe(50),
        "SANKE_FIELD_KEY": secrets.token_urlsafe(32),
        "SANKE_ALLOWED_HOSTS": "sanke.example.edu.cn",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SANKE_SECRET_KEY", "SANKE_FIELD_KEY"])
def test_production_refuses_to_start_without_either_key(missing, tmp_path):
    """No generated key in production: each key must come from the environment, and the error names it."""
    keys = {"SANKE_SECRET_KEY": secrets.token_urlsafe(50), "SANKE_FIELD_KEY": secrets.token_urlsafe(32)}
    env = {**os.environ, **keys, "SANKE_ENV": "production", "SANKE_VAR_DIR": str(tmp_path), missing: ""}
    env.pop(f"{missing}_FILE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert f"needs {missing}" in result.stderr
    assert not (tmp_path / "keys" / "secret_key").exists()
    assert not (tmp_path / "keys" / "field_keys").exists()


@pytest.mark.django_db
def test_status_page_reports_a_missing_worker(world, client_for, settings):
    """Without a worker, the page says so instead of hanging or failing (runs before the worker starts)."""
    from sanke.core import status

    checks = {c.name: c for c in status.run_checks(worker_timeout=1.0)}
    if checks["worker"].ok:
        pytest.skip("a worker from another test or process is consuming the queue")
    assert "Timeout" in checks["worker"].detail or "timed out" in checks["worker"].detail.lower()


@pytest.fixture(scope="module")
def celery_worker():
    """A real Celery worker process on the configured broker (filesystem here, Redis in CI)."""
    with start_worker(dict(os.environ)) as process:
        yield process


@pytest.mark.django_db
def test_a_task_round_trips_through_a_real_worker(celery_worker):
    token = uuid.uuid4().hex
    started = time.perf_counter()
    result = health_check.delay(token).get(timeout=30)
    assert result == {"token": token, "database": True}
    assert time.perf_counter() - started < 30


@pytest.mark.django_db
def test_status_page_shows_every_service_working(world, client_for, celery_worker):
    client = client_for(world.users["tech_support"])
    response = client.get(reverse("core:status"))
    assert response.status_code == 200
    checks = {c.name: c for c in response.context["checks"]}
    assert set(checks) == {"database", "channel_layer", "worker", "disk"}
    assert all(c.ok for c in checks.values()), checks
    assert response.context["all_ok"]


@pytest.mark.django_db
def test_status_page_is_for_bureau_admins_and_support_only(world, client_for):
    assert client_for(world.users["teacher"]).get(reverse("core:status")).status_code == 403


def test_channel_layer_is_the_configured_backend():
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if os.environ.get("SANKE_REDIS_URL"):  # Redis pub/sub unless SANKE_CHANNEL_LAYER=core
        expected = {
            "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "core": "channels_redis.core.RedisChannelLayer",
        }
        assert backend == expected[os.environ.get("SANKE_CHANNEL_LAYER", "pubsub")]
    elif int(os.environ.get("SANKE_WEB_WORKERS") or 1) > 1:  # make run's processes, without Redis
        assert backend == "sanke.core.socket_layer.UnixSocketChannelLayer"
    else:
        assert backend == "channels.layers.InMemoryChannelLayer"


@pytest.mark.django_db
def test_websocket_round_trip_through_the_channel_layer(world):
    user = world.users["teacher"]

    async def exchange():
        communicator = WebsocketCommunicator(PresenceConsumer.as_asgi(), "/ws/presence/")
        communicator.scope["user"] = user
        connected, _ = await communicator.connect()
        assert connected
        await communicator.send_json_to({"type": "ping", "seq": 7})
        reply = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return reply

    assert run_coroutine(exchange) == {"type": "pong", "seq": 7}


@pytest.mark.django_db
def test_the_presence_socket_closes_when_the_account_changes(world):
    """Like the lesson room, the status page's socket follows the account: a change closes it."""
    from channels.layers import get_channel_layer

    from sanke.core.realtime import ACCOUNT_CHANGED, user_group

    user = world.users["teacher"]

    async def scenario():
        communicator = WebsocketCommunicator(PresenceConsumer.as_asgi(), "/ws/presence/")
        communicator.scope["user"] = user
        connected, _ = await communicator.connect()
        assert connected
        await get_channel_layer().group_send(
            user_group(user.pk), {"type": ACCOUNT_CHANGED, "reason": "disabled", "session": None}
        )
        return await communicator.receive_output(timeout=5)

    assert run_coroutine(scenario) == {"type": "websocket.close", "code": 4401}


def test_anonymous_websocket_is_refused():
    from django.contrib.auth.models import AnonymousUser

    async def attempt():
        communicator = WebsocketCommunicator(PresenceConsumer.as_asgi(), "/ws/presence/")
        communicator.scope["user"] = AnonymousUser()
        connected, code = await communicator.connect()
        return connected, code

    connected, code = run_coroutine(attempt)
    assert not connected
    assert code == 4401

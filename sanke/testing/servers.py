"""Server processes for tests and benchmarks: a free port, the platform under uvicorn, waiting for it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: manage.py, Procfile
ASGI_APP = "sanke.asgi:application"


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now, so servers of a run collide neither with ``make run`` nor each other."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def uvicorn_command(
    port: int, *, app: str = ASGI_APP, host: str = "127.0.0.1", options: tuple[str, ...] = ()
) -> list[str]:
    """The platform (ASGI: pages and WebSockets) under uvicorn, as ``make run`` serves it, quieter."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        host,
        "--port",
        str(port),
        "--log-level",
        "warning",
        *options,
    ]


def wait_for_http(url: str, *, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    """Until ``url`` answers (any HTTP status); fails if ``process`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before {url} answered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.1)


def session_database_url() -> str:
    """The database of this test session as ``SANKE_DATABASE_URL``, for a server in another process."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def platform_server(
    env: dict[str, str], *, port: int | None = None, ready_path: str = "/accounts/login/"
) -> Iterator[str]:
    """The platform under uvicorn with ``env`` as its whole environment; yields its base URL."""
    port = port or free_port()
    process = subprocess.Popen(uvicorn_command(port), cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + ready_path, process=process)
        yield base
    finally:
        stop(process)


def server_environment(**overrides: str) -> dict[str, str]:
    """This process's environment for a server subprocess on the test database.

    ``DJANGO_ALLOW_ASYNC_UNSAFE`` is left out: the test process needs it (sync Playwright inside live-server
    tests), a real server must not have it.
    """
    env = {**os.environ, "SANKE_DATABASE_URL": session_database_url(), **overrides}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env

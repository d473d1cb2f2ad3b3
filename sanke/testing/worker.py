"""A real Celery worker process for tests, on the test database.

The worker is started as ``make run`` starts it (``celery -A sanke worker``), with the configured broker
(kombu's filesystem transport under the test ``SANKE_VAR_DIR``, or Redis in CI). Its settings module,
``sanke.testing.worker_settings``, points it at the database the tests use (``SANKE_TEST_DATABASE_NAME``),
so jobs queued by a transactional test (or a browser test's live server) are run for real.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def celery_worker(env: dict[str, str], queues: str = ""):
    """A ``celery -A sanke worker`` process (solo pool) with ``env``, once it says it is ready; ``queues``
    (e.g. "celery,transcode") when it must consume more than the default queue."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sanke",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *(["--queues", queues] if queues else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    for line in process.stdout:
        if "ready." in line:
            break
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the Celery worker did not start")
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def celery_worker_on(database_name: str, *, queues: str = "", env_extra: dict[str, str] | None = None):
    """A worker on the tests' database (jobs queued by a transactional or browser test run for real)."""
    env = {
        **os.environ,
        **(env_extra or {}),
        "DJANGO_SETTINGS_MODULE": "sanke.testing.worker_settings",
        "SANKE_TEST_DATABASE_NAME": str(database_name),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # messages left by earlier runs would name jobs of another database
    subprocess.run(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sanke",
            "purge",
            "-f",
            *(["--queues", queues] if queues else []),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    with celery_worker(env, queues) as process:
        yield process

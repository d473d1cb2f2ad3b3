"""Two deployments, two server processes, two SQLite databases: the roll-up exchange end to end."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
FIGURES = (
    "from sanke.supervision.models import ReceivedIndicatorDay as R; "
    "print(sorted(R.objects.values_list('code', 'day', 'lessons', 'held')))"
)


def _env(var_dir):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SANKE_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["SANKE_VAR_DIR"] = str(var_dir)
    return env


def _manage(var_dir, *args, check=True):
    return subprocess.run(
        [*MANAGE, *args], env=_env(var_dir), capture_output=True, text=True, check=check, cwd=ROOT
    )


def _add_day(var_dir, day):
    _manage(
        var_dir,
        "shell",
        "-c",
        (
            "import datetime as dt; from sanke.supervision.models import IndicatorDay as D; "
            f"d=dt.date.fromisoformat('{day}'); D.objects.create(day=d, week=d, dimension='region', "
            "key='640502', region_code='640502', lessons=5, held=4); "
            "D.objects.create(day=d, week=d, dimension='teacher', key='7', region_code='640502', lessons=5)"
        ),
    )


def _start(var_dir, port):
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/uvicorn"),
            "sanke.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=_env(var_dir),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/schema/", timeout=2)
            return server
        except OSError:
            assert server.poll() is None, "the upper server died"
            time.sleep(0.1)  # polling the port, not waiting for an outcome
    raise AssertionError("the upper server did not answer")


def test_two_deployments_roll_up_idempotently_and_fill_a_gap(tmp_path):
    upper, lower = tmp_path / "upper", tmp_path / "lower"
    for var in (upper, lower):
        var.mkdir()
        _manage(var, "migrate", "-v0")
    key = _manage(upper, "issue_rollup_key", "Shapotou", "640502", "640500").stdout.strip()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    _add_day(lower, "2026-12-01")
    server = _start(upper, port)
    try:
        # a wrong key is refused and nothing is stored
        assert _manage(lower, "send_rollup", "--url", url, "--key", key + "x", check=False).returncode != 0
        assert _manage(upper, "shell", "--no-imports", "-c", FIGURES).stdout.strip() == "[]"
        _manage(lower, "send_rollup", "--url", url, "--key", key)
        first = _manage(upper, "shell", "--no-imports", "-c", FIGURES).stdout
        assert "'640502', datetime.date(2026, 12, 1), 5, 4" in first and "'7'" not in first
        _manage(lower, "send_rollup", "--url", url, "--key", key)
        assert _manage(upper, "shell", "--no-imports", "-c", FIGURES).stdout == first
    finally:
        server.terminate()
        server.wait(timeout=30)
    # offline: the sender fails and its watermark stays
    _add_day(lower, "2026-12-02")
    assert _manage(lower, "send_rollup", "--url", url, "--key", key, check=False).returncode != 0
    server = _start(upper, port)
    try:
        _manage(lower, "send_rollup", "--url", url, "--key", key)
        assert (
            "datetime.date(2026, 12, 2), 5, 4"
            in _manage(upper, "shell", "--no-imports", "-c", FIGURES).stdout
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

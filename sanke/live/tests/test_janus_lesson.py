"""A host and two receiving classrooms exchange real video through Janus (the default media backend).

Janus gathers no ICE candidates on loopback, so the scenario (janus_lesson.py) runs in a private network
namespace with a veth pair, with its own Janus, ASGI server, SQLite database and Chromium. This needs
root (unshare -n), which CI has.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[3]


def test_media_flows_both_ways_through_janus():
    if shutil.which("janus") is None:
        pytest.fail("the janus binary is missing: run scripts/system_deps.sh --test")
    if os.geteuid() != 0:
        pytest.fail("this test needs root to create a network namespace (unshare -n)")
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "sanke.live.tests.janus_lesson"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.returncode == 0 and lines, result.stdout[-2000:] + result.stderr[-3000:]
    outcome = json.loads(lines[-1])
    assert outcome["backend"] == "janus"
    assert outcome["waiting"]  # no media credential on a page before the lesson starts
    assert len(outcome["frames"]) == 4  # host ← each classroom, each classroom ← host
    for link, (before, after) in outcome["frames"].items():
        assert after >= 30 and after > before, f"{link}: frames not decoding ({before} → {after})"
    before, after = outcome["stage"]  # the other classroom sees the one brought on stage
    assert after >= 30 and after > before
    assert outcome["unstaged"]  # taken off stage: unsubscribed
    assert sorted(counts["7"] for counts in outcome["tally"].values()) == [7, 10]
    assert outcome["resumed"]


def test_on_a_starved_uplink_audio_keeps_going_and_the_host_sees_who_struggles():
    if os.geteuid() != 0:
        pytest.fail("this test needs root to create a network namespace (unshare -n)")
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "sanke.live.tests.weak_network"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.returncode == 0 and lines, result.stdout[-2000:] + result.stderr[-3000:]
    outcome = json.loads(lines[-1])
    before, after = outcome["before"], outcome["after"]
    assert before["fps"] >= 10 and before["audio_per_s"] > 40000  # full rate first
    assert after["audio_per_s"] > 0.8 * before["audio_per_s"]  # sound keeps going…
    assert after["fps"] < before["fps"] / 2  # …while video gives way
    assert "bg-red-lt" in outcome["badge"]  # and the host sees which classroom struggles

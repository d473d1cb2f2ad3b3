"""The lesson page's reducer (static/sanke/live/state.js) reaches the same state as ``events.replay``.

The page keeps its own copy of the event rules; an earlier copy drifted (a terminal's counts kept options the
quiz did not have; roll calls were not kept apart). Here node replays event logs through the page's module
and compares its snapshot with Python's: the scenarios below, which cover every rule, and the event log of
every lesson the suite's live tests played (saved after each test by ``sanke.testing.event_logs``).
pytest-django runs this test (it uses no database) after every database test of the run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from sanke.live.events import replay, snapshot, validate
from sanke.testing.event_logs import log_file, run_folder

TEST_FILE = Path(__file__).parent / "js" / "state.test.js"
START = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)

# (type, payload) in number order; each scenario is one lesson
SCENARIOS = {
    "attendance": [
        ("classroom.joined", {"classroom": 7}),
        ("lesson.started", {}),
        ("classroom.joined", {"classroom": 8}),
        ("classroom.joined", {"classroom": 7}),  # already connected: no second interval
        ("classroom.left", {"classroom": 7}),
        ("classroom.left", {"classroom": 9}),  # never joined
        ("classroom.joined", {"classroom": 7}),
        ("chat.message", {"text": "老师好", "classroom": 7}),
        ("chat.message", {"text": "请看黑板"}),
        ("lesson.ended", {}),  # closes 7's and 8's open intervals
    ],
    "hands, stage and mute": [
        ("hand.raised", {"classroom": 7}),
        ("hand.raised", {"classroom": 8}),
        ("hand.lowered", {"classroom": 8}),
        ("stage.set", {"classroom": 7}),  # brought on stage: the hand goes down
        ("classroom.muted", {"classroom": 8, "muted": True}),
        ("classroom.muted", {"classroom": 7, "muted": True}),
        ("classroom.muted", {"classroom": 7, "muted": False}),
        ("stage.set", {"classroom": None}),
    ],
    "roll calls are kept apart": [
        ("rollcall.started", {"rollcall": 1}),
        ("rollcall.reported", {"rollcall": 1, "classroom": 7, "present": 30}),
        ("rollcall.reported", {"rollcall": 1, "classroom": 8, "present": 12}),
        ("rollcall.started", {"rollcall": 2}),
        ("rollcall.reported", {"rollcall": 2, "classroom": 7, "present": 29}),
        ("rollcall.reported", {"rollcall": 3, "classroom": 9, "present": 5}),  # not started: still counted
        ("rollcall.reported", {"rollcall": 1, "classroom": 7, "present": 31}),  # a late answer to the first
    ],
    "a terminal's counts": [
        ("quiz.answered", {"quiz": 1, "classroom": 7, "counts": {"A": 3}}),  # no such quiz yet
        ("quiz.started", {"quiz": 1, "kind": "single", "question": "2+2?", "options": ["3", "4"]}),
        ("quiz.answered", {"quiz": 1, "classroom": 7, "counts": {"4": 20, "5": 9, "3": 1}}),  # 5 is no option
        ("quiz.answered", {"quiz": 1, "classroom": 8, "counts": {"3": 0}}),
        ("quiz.closed", {"quiz": 1}),
        ("quiz.answered", {"quiz": 1, "classroom": 8, "counts": {"4": 6}}),  # after closing: ignored
        ("quiz.closed", {"quiz": 2}),  # no such quiz
    ],
    "students' votes": [
        (
            "quiz.started",
            {"quiz": 1, "kind": "multiple", "question": "哪些是水果？", "options": ["苹果", "土豆", "梨"]},
        ),
        ("quiz.voted", {"quiz": 1, "classroom": 7, "voter": "v1", "choice": ["苹果", "梨", "苹果"]}),
        ("quiz.voted", {"quiz": 1, "classroom": 7, "voter": "v2", "choice": ["梨"]}),
        ("quiz.voted", {"quiz": 1, "classroom": 7, "voter": "v2", "choice": ["土豆", "西瓜"]}),  # changed
        ("quiz.voted", {"quiz": 1, "classroom": 8, "voter": "v3", "choice": ["西瓜"]}),  # no valid option
        ("quiz.voted", {"quiz": 1, "classroom": 8, "voter": "v4", "choice": ["梨"]}),
        ("quiz.answered", {"quiz": 1, "classroom": 8, "counts": {"梨": 10}}),  # entered counts now stand
        ("quiz.voted", {"quiz": 1, "classroom": 8, "voter": "v5", "choice": ["苹果"]}),
        (
            "quiz.started",
            {"quiz": 2, "kind": "true_false", "question": "地球是圆的", "options": ["对", "错"]},
        ),
        ("quiz.voted", {"quiz": 2, "classroom": 7, "voter": "v1", "choice": ["对", "错"]}),  # two: refused
        ("quiz.voted", {"quiz": 2, "classroom": 7, "voter": "v1", "choice": ["对"]}),
        ("quiz.closed", {"quiz": 2}),
        ("quiz.voted", {"quiz": 2, "classroom": 7, "voter": "v2", "choice": ["错"]}),  # closed: ignored
        ("quiz.voted", {"quiz": 3, "classroom": 7, "voter": "v2", "choice": ["错"]}),  # no such quiz
    ],
}


def scenario_log(steps) -> list[dict]:
    return [
        {
            "seq": seq,
            "type": kind,
            "payload": validate(kind, payload),
            "at": (START + dt.timedelta(seconds=seq)).isoformat(),
        }
        for seq, (kind, payload) in enumerate(steps, start=1)
    ]


def python_state(events: list[dict]) -> dict:
    stored = [
        SimpleNamespace(
            seq=e["seq"], type=e["type"], payload=e["payload"], created_at=dt.datetime.fromisoformat(e["at"])
        )
        for e in events
    ]
    return json.loads(json.dumps(snapshot(replay(stored))))


def test_the_scenarios_reach_states_worth_comparing():
    """The scenarios exercise what drifted before: filtered counts, separate roll calls, votes and entries."""
    counts = python_state(scenario_log(SCENARIOS["a terminal's counts"]))["quizzes"]["1"]["tallies"]
    assert counts == {"7": {"4": 20, "3": 1}, "8": {"3": 0}}
    rollcalls = python_state(scenario_log(SCENARIOS["roll calls are kept apart"]))
    assert rollcalls["rollcalls"] == {"1": {"7": 31, "8": 12}, "2": {"7": 29}, "3": {"9": 5}}
    assert rollcalls["present"] == {"7": 29, "8": 12, "9": 5}
    votes = python_state(scenario_log(SCENARIOS["students' votes"]))["quizzes"]
    assert votes["1"]["tallies"] == {"7": {"苹果": 1, "梨": 1, "土豆": 1}, "8": {"梨": 10}}
    assert votes["2"]["tallies"] == {"7": {"对": 1}}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by scripts/system_deps.sh")
def test_the_page_reducer_reaches_pythons_state_on_every_event_log():
    for name, steps in SCENARIOS.items():
        events = scenario_log(steps)
        log_file(events, python_state(events), f"scenario: {name}")
    folder = run_folder()
    logs = sorted(folder.glob("*.json"))
    result = subprocess.run(
        ["node", "--test", "--test-reporter=tap", str(TEST_FILE)],
        env={**os.environ, "EVENT_LOGS": str(folder)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # node ran one comparison per log, and every one passed
    assert f"# pass {len(logs)}" in result.stdout, result.stdout[-2000:]

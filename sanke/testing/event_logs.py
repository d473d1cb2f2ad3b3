"""The event logs of the suite's live lessons, kept for the page reducer's test.

The lesson page rebuilds its state from the lesson's events with its own copy of the rules
(``static/sanke/live/state.js``). After every test that passed, ``save_event_logs`` writes the event log of
each lesson that has events, with Python's ``events.snapshot(events.replay(log))`` as the expected state, into
a folder of this run; ``sanke/live/tests/test_state_js.py`` (which pytest-django runs after every database
test) then has node replay each log through the page's reducer and compare. So every scenario a live test
plays — quizzes, votes, roll calls, stage, reconnections — checks the two copies against each other.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError


def run_folder() -> Path:
    """This test run's folder of event logs (earlier runs' folders are removed when it is first made)."""
    root = Path(settings.VAR_DIR) / "event-logs"
    folder = root / f"run-{os.getpid()}"
    if not folder.exists():
        if root.exists():
            shutil.rmtree(root, ignore_errors=True)
        folder.mkdir(parents=True)
    return folder


def log_file(events: list[dict], expected: dict, source: str) -> Path:
    """Write one log (named by its content, so the same log from two tests is kept once)."""
    text = json.dumps(
        {"source": source, "events": events, "expected": expected}, ensure_ascii=False, indent=1
    )
    digest = hashlib.sha1(json.dumps(events).encode()).hexdigest()[:16]
    path = run_folder() / f"{digest}.json"
    path.write_text(text)
    return path


def save_event_logs(nodeid: str) -> int:
    """Save the event log of every lesson with events in the test database; the number of logs saved."""
    from sanke.live.broadcast import event_data
    from sanke.live.events import replay, snapshot
    from sanke.live.models import LessonEvent

    try:
        events = list(LessonEvent.objects.order_by("lesson_id", "seq"))
    except (RuntimeError, DatabaseError):  # a test without database access, or one that broke its connection
        return 0
    by_lesson: dict[int, list] = {}
    for event in events:
        by_lesson.setdefault(event.lesson_id, []).append(event)
    for lesson_events in by_lesson.values():
        expected = json.loads(json.dumps(snapshot(replay(lesson_events))))
        log_file([event_data(event) for event in lesson_events], expected, nodeid)
    return len(by_lesson)

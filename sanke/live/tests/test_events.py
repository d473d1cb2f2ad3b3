"""Every realtime event type has a schema; replaying a lesson's events reproduces its state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from sanke.live.events import SCHEMAS, EventError, LessonState, apply, replay, validate

VALID = {
    "lesson.started": {},
    "lesson.ended": {},
    "classroom.joined": {"classroom": 3},
    "classroom.left": {"classroom": 3},
    "chat.message": {"text": "老师好", "classroom": 3},
    "hand.raised": {"classroom": 3},
    "hand.lowered": {"classroom": 3},
    "stage.set": {"classroom": None},
    "classroom.muted": {"classroom": 3, "muted": True},
    "rollcall.started": {"rollcall": 1},
    "rollcall.reported": {"rollcall": 1, "classroom": 3, "present": 12},
    "quiz.started": {"quiz": 1, "kind": "single", "question": "2+3=?", "options": ["A", "B", "C", "D"]},
    "quiz.answered": {"quiz": 1, "classroom": 3, "counts": {"A": 2, "B": 9}},
    "quiz.voted": {"quiz": 1, "classroom": 3, "voter": "4f9c2a61d0b7e355", "choice": ["B"]},
    "quiz.closed": {"quiz": 1},
}
INVALID = {
    "classroom.joined": [{}, {"classroom": "3"}, {"classroom": 0}, {"classroom": 3, "extra": 1}],
    "chat.message": [{"text": ""}, {"text": "x" * 501}],
    "classroom.muted": [{"classroom": 3, "muted": "yes"}],
    "rollcall.reported": [{"rollcall": 1, "classroom": 3, "present": -1}, {"rollcall": 1, "classroom": 3}],
    "quiz.started": [
        {"quiz": 1, "kind": "essay", "question": "?", "options": ["A", "B"]},
        {"quiz": 1, "kind": "single", "question": "?", "options": ["A"]},
        {"quiz": 1, "kind": "true_false", "question": "?", "options": ["对", "错", "不知道"]},
    ],
    "quiz.answered": [
        {"quiz": 1, "classroom": 3, "counts": {"A": True}},
        {"quiz": 1, "classroom": 3, "counts": {}},
    ],
    "quiz.voted": [
        {"quiz": 1, "classroom": 3, "voter": "v", "choice": []},
        {"quiz": 1, "classroom": 3, "voter": "v", "choice": [1]},
        {"quiz": 1, "classroom": 3, "choice": ["A"]},
    ],
}


def test_every_event_type_has_a_schema_and_an_example():
    assert set(VALID) == set(SCHEMAS)


@pytest.mark.parametrize("event_type", sorted(SCHEMAS))
def test_valid_events_pass(event_type):
    assert validate(event_type, dict(VALID[event_type])) == VALID[event_type]


@pytest.mark.parametrize(("event_type", "payload"), [(t, p) for t, ps in INVALID.items() for p in ps])
def test_invalid_events_are_refused(event_type, payload):
    with pytest.raises(EventError):
        validate(event_type, payload)


def test_unknown_types_are_refused():
    with pytest.raises(EventError):
        validate("lesson.exploded", {})


@dataclass
class Stored:
    seq: int
    type: str
    payload: dict
    created_at: dt.datetime


def stream(*items):
    start = dt.datetime(2026, 11, 24, 1, 50, tzinfo=dt.UTC)
    return [Stored(i, t, p, start + dt.timedelta(minutes=i)) for i, (t, p) in enumerate(items, start=1)]


def test_replaying_events_reproduces_tally_hands_and_attendance():
    events = stream(
        ("lesson.started", {}),
        ("classroom.joined", {"classroom": 3}),
        ("classroom.joined", {"classroom": 4}),
        ("hand.raised", {"classroom": 4}),
        ("rollcall.started", {"rollcall": 1}),
        ("rollcall.reported", {"rollcall": 1, "classroom": 3, "present": 12}),
        ("rollcall.reported", {"rollcall": 1, "classroom": 4, "present": 7}),
        ("quiz.started", {"quiz": 1, "kind": "single", "question": "?", "options": ["A", "B"]}),
        ("quiz.answered", {"quiz": 1, "classroom": 3, "counts": {"A": 10, "B": 2}}),
        ("classroom.left", {"classroom": 4}),
        ("classroom.joined", {"classroom": 4}),
        ("quiz.answered", {"quiz": 1, "classroom": 4, "counts": {"A": 3, "B": 4}}),
        ("quiz.answered", {"quiz": 1, "classroom": 3, "counts": {"A": 11, "B": 1}}),  # corrected answer
        ("quiz.closed", {"quiz": 1}),
        ("quiz.answered", {"quiz": 1, "classroom": 4, "counts": {"A": 7}}),  # too late: ignored
        ("stage.set", {"classroom": 4}),
        ("lesson.ended", {}),
    )
    state = replay(events)
    assert state.status == "ended" and state.last_seq == len(events)
    assert state.quizzes[1].totals() == {"A": 14, "B": 5}
    assert state.quizzes[1].tallies == {3: {"A": 11, "B": 1}, 4: {"A": 3, "B": 4}}
    assert state.hands == set()  # brought on stage
    assert state.stage == 4
    assert state.present() == {3: 12, 4: 7}
    assert len(state.attendance[4]) == 2 and all(left is not None for _joined, left in state.attendance[4])
    assert state.connected == set()


def test_student_devices_make_a_classrooms_tally_until_its_terminal_enters_counts():
    single = {"quiz": 1, "kind": "single", "question": "?", "options": ["A", "B", "C"]}
    multiple = {"quiz": 2, "kind": "multiple", "question": "?", "options": ["A", "B", "C"]}
    events = stream(
        ("lesson.started", {}),
        ("quiz.started", single),
        ("quiz.voted", {"quiz": 1, "classroom": 3, "voter": "s1", "choice": ["A"]}),
        ("quiz.voted", {"quiz": 1, "classroom": 3, "voter": "s2", "choice": ["B"]}),
        ("quiz.voted", {"quiz": 1, "classroom": 3, "voter": "s1", "choice": ["C"]}),  # changed their mind
        ("quiz.voted", {"quiz": 1, "classroom": 3, "voter": "s3", "choice": ["A", "B"]}),  # one only: dropped
        ("quiz.voted", {"quiz": 1, "classroom": 3, "voter": "s4", "choice": ["Z"]}),  # not an option
        ("quiz.voted", {"quiz": 1, "classroom": 4, "voter": "s5", "choice": ["A"]}),
        ("quiz.answered", {"quiz": 1, "classroom": 4, "counts": {"A": 6, "B": 3}}),  # the local teacher
        ("quiz.voted", {"quiz": 1, "classroom": 4, "voter": "s6", "choice": ["B"]}),  # entered counts stand
        ("quiz.started", multiple),
        ("quiz.voted", {"quiz": 2, "classroom": 3, "voter": "s1", "choice": ["A", "C", "A"]}),
        ("quiz.voted", {"quiz": 2, "classroom": 3, "voter": "s2", "choice": ["C"]}),
        ("quiz.closed", {"quiz": 2}),
        ("quiz.voted", {"quiz": 2, "classroom": 3, "voter": "s3", "choice": ["B"]}),  # too late
    )
    state = replay(events)
    assert state.quizzes[1].tallies == {3: {"B": 1, "C": 1}, 4: {"A": 6, "B": 3}}
    assert state.quizzes[1].totals() == {"A": 6, "B": 4, "C": 1}
    assert state.quizzes[2].tallies == {3: {"A": 1, "C": 2}}


def test_applying_one_by_one_equals_replaying_all():
    events = stream(
        ("lesson.started", {}), ("classroom.joined", {"classroom": 3}), ("hand.raised", {"classroom": 3})
    )
    incremental = LessonState()
    for event in events:
        apply(incremental, event.seq, event.type, event.payload, event.created_at.isoformat())
    assert incremental == replay(events)


def test_events_out_of_order_are_refused():
    state = LessonState()
    apply(state, 2, "lesson.started", {}, "t")
    with pytest.raises(EventError):
        apply(state, 1, "classroom.joined", {"classroom": 3}, "t")

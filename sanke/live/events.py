"""Lesson events: the schema of every realtime event, and replaying a lesson's events into its state.

Everything that happens in a live lesson (start, a classroom joining, a raised hand, a roll call, a quiz
answer…) is stored as a numbered ``LessonEvent``. The live state a page shows is never stored: it is
``replay(events)``, so a client that reconnects, a report and a test all reach the same state from the
same events. Each type declares its fields here; ``validate`` refuses anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class EventError(ValueError):
    """An event that does not match its schema."""


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = True
    min: int | None = None  # for int: the value; for str/list: the length
    max: int | None = None


CLASSROOM = Field(int, min=1)
QUIZ_KINDS = ("single", "multiple", "true_false")

SCHEMAS: dict[str, dict[str, Field]] = {
    "lesson.started": {},
    "lesson.ended": {},
    "classroom.joined": {"classroom": CLASSROOM},
    "classroom.left": {"classroom": CLASSROOM},
    "chat.message": {"text": Field(str, min=1, max=500), "classroom": Field(int, required=False, min=1)},
    "hand.raised": {"classroom": CLASSROOM},
    "hand.lowered": {"classroom": CLASSROOM},
    "stage.set": {"classroom": Field((int, type(None)), required=True)},
    "classroom.muted": {"classroom": CLASSROOM, "muted": Field(bool)},
    "rollcall.started": {"rollcall": Field(int, min=1)},
    "rollcall.reported": {
        "rollcall": Field(int, min=1),
        "classroom": CLASSROOM,
        "present": Field(int, min=0, max=300),
    },
    "quiz.started": {
        "quiz": Field(int, min=1),
        "kind": Field(str),
        "question": Field(str, min=1, max=500),
        "options": Field(list, min=2, max=8),
    },
    "quiz.answered": {"quiz": Field(int, min=1), "classroom": CLASSROOM, "counts": Field(dict, min=1, max=8)},
    # one student's answer from their own device; ``voter`` is a pseudonym per lesson set by the server
    "quiz.voted": {
        "quiz": Field(int, min=1),
        "classroom": CLASSROOM,
        "voter": Field(str, min=1, max=32),
        "choice": Field(list, min=1, max=8),
    },
    "quiz.closed": {"quiz": Field(int, min=1)},
}


def _check(name: str, spec: Field, value) -> None:
    if isinstance(value, bool) and spec.kind is int:
        raise EventError(f"{name}: expected a number")
    if not isinstance(value, spec.kind):
        raise EventError(f"{name}: wrong type")
    size = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str | list | dict):
        size = len(value)
    if size is not None and spec.min is not None and size < spec.min:
        raise EventError(f"{name}: too small")
    if size is not None and spec.max is not None and size > spec.max:
        raise EventError(f"{name}: too large")


def validate(event_type: str, payload: dict) -> dict:
    """The payload if it matches the schema of ``event_type``; raises EventError otherwise."""
    schema = SCHEMAS.get(event_type)
    if schema is None:
        raise EventError(f"unknown event type {event_type!r}")
    if not isinstance(payload, dict):
        raise EventError("payload must be an object")
    unknown = set(payload) - set(schema)
    if unknown:
        raise EventError(f"unknown fields: {sorted(unknown)}")
    for name, spec in schema.items():
        if name not in payload:
            if spec.required:
                raise EventError(f"{name}: missing")
            continue
        _check(name, spec, payload[name])
    if event_type == "quiz.started":
        if payload["kind"] not in QUIZ_KINDS:
            raise EventError("kind: must be single, multiple or true_false")
        if not all(isinstance(o, str) and 0 < len(o) <= 100 for o in payload["options"]):
            raise EventError("options: short texts")
        if payload["kind"] == "true_false" and len(payload["options"]) != 2:
            raise EventError("options: true/false has two")
    if event_type == "quiz.answered" and not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 300
        for k, v in payload["counts"].items()
    ):
        raise EventError("counts: option → number of students")
    if event_type == "quiz.voted" and not all(
        isinstance(o, str) and 0 < len(o) <= 100 for o in payload["choice"]
    ):
        raise EventError("choice: option texts")
    return payload


@dataclass
class QuizState:
    kind: str
    question: str
    options: list[str]
    tallies: dict[int, dict[str, int]] = field(default_factory=dict)  # classroom → option → count
    closed: bool = False
    # Student devices: classroom → voter → options chosen. A classroom's tally counts these votes until its
    # terminal enters counts (for a class with too few devices); entered counts then stand.
    votes: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    entered: set[int] = field(default_factory=set)

    def vote(self, classroom: int, voter: str, choice: list[str]) -> None:
        """Count one student's answer (their latest replaces an earlier one); invalid choices are dropped."""
        choice = [option for option in dict.fromkeys(choice) if option in self.options]
        if not choice or (self.kind != "multiple" and len(choice) != 1):
            return
        self.votes.setdefault(classroom, {})[voter] = choice
        if classroom not in self.entered:
            counts = dict.fromkeys(self.options, 0)
            for chosen in self.votes[classroom].values():
                for option in chosen:
                    counts[option] += 1
            self.tallies[classroom] = {option: n for option, n in counts.items() if n}

    def totals(self) -> dict[str, int]:
        totals = dict.fromkeys(self.options, 0)
        for counts in self.tallies.values():
            for option, count in counts.items():
                totals[option] = totals.get(option, 0) + count
        return totals


@dataclass
class LessonState:
    """What a lesson looks like after a sequence of events."""

    status: str = "scheduled"
    started_at: str | None = None
    ended_at: str | None = None
    last_seq: int = 0
    connected: set[int] = field(default_factory=set)
    attendance: dict[int, list[list[str | None]]] = field(
        default_factory=dict
    )  # classroom → [[joined, left]]
    hands: set[int] = field(default_factory=set)
    stage: int | None = None
    muted: set[int] = field(default_factory=set)
    rollcalls: dict[int, dict[int, int]] = field(default_factory=dict)  # roll call → classroom → present
    quizzes: dict[int, QuizState] = field(default_factory=dict)
    chat: int = 0

    def present(self) -> dict[int, int]:
        """Students present per classroom, from the latest roll call that classroom answered."""
        result: dict[int, int] = {}
        for rollcall in sorted(self.rollcalls):
            result.update(self.rollcalls[rollcall])
        return result


def apply(state: LessonState, seq: int, event_type: str, payload: dict, at: str) -> LessonState:
    """Apply one event (already validated) to ``state``; events must come in ``seq`` order."""
    if seq <= state.last_seq:
        raise EventError(f"event {seq} is not after {state.last_seq}")
    state.last_seq = seq
    classroom = payload.get("classroom")
    if event_type == "lesson.started":
        state.status, state.started_at = "live", at
    elif event_type == "lesson.ended":
        state.status, state.ended_at = "ended", at
        for room in list(state.connected):
            state.attendance[room][-1][1] = at
        state.connected.clear()
    elif event_type == "classroom.joined":
        if classroom not in state.connected:
            state.connected.add(classroom)
            state.attendance.setdefault(classroom, []).append([at, None])
    elif event_type == "classroom.left":
        if classroom in state.connected:
            state.connected.discard(classroom)
            state.attendance[classroom][-1][1] = at
    elif event_type == "chat.message":
        state.chat += 1
    elif event_type == "hand.raised":
        state.hands.add(classroom)
    elif event_type == "hand.lowered":
        state.hands.discard(classroom)
    elif event_type == "stage.set":
        state.stage = classroom
        state.hands.discard(classroom)
    elif event_type == "classroom.muted":
        (state.muted.add if payload["muted"] else state.muted.discard)(classroom)
    elif event_type == "rollcall.started":
        state.rollcalls.setdefault(payload["rollcall"], {})
    elif event_type == "rollcall.reported":
        state.rollcalls.setdefault(payload["rollcall"], {})[classroom] = payload["present"]
    elif event_type == "quiz.started":
        state.quizzes[payload["quiz"]] = QuizState(
            payload["kind"], payload["question"], list(payload["options"])
        )
    elif event_type == "quiz.answered":
        quiz = state.quizzes.get(payload["quiz"])
        if quiz is not None and not quiz.closed:
            quiz.tallies[classroom] = {o: n for o, n in payload["counts"].items() if o in quiz.options}
            quiz.entered.add(classroom)
    elif event_type == "quiz.voted":
        quiz = state.quizzes.get(payload["quiz"])
        if quiz is not None and not quiz.closed:
            quiz.vote(classroom, payload["voter"], payload["choice"])
    elif event_type == "quiz.closed":
        if payload["quiz"] in state.quizzes:
            state.quizzes[payload["quiz"]].closed = True
    return state


def replay(events) -> LessonState:
    """The state after ``events`` (objects with seq, type, payload and created_at), in order."""
    state = LessonState()
    for event in events:
        apply(state, event.seq, event.type, event.payload, event.created_at.isoformat())
    return state


def snapshot(state: LessonState) -> dict:
    """A plain, JSON-able view of ``state``.

    The lesson page keeps its own copy of these rules (``static/sanke/live/state.js``); its ``snapshot`` has
    this shape, and the suite replays the live tests' event logs through both and compares the two.
    """
    return {
        "status": state.status,
        "started_at": state.started_at,
        "ended_at": state.ended_at,
        "last_seq": state.last_seq,
        "connected": sorted(state.connected),
        "attendance": state.attendance,
        "hands": sorted(state.hands),
        "stage": state.stage,
        "muted": sorted(state.muted),
        "rollcalls": state.rollcalls,
        "present": state.present(),
        "quizzes": {
            number: {
                "kind": quiz.kind,
                "question": quiz.question,
                "options": quiz.options,
                "tallies": quiz.tallies,
                "closed": quiz.closed,
                "votes": quiz.votes,
                "entered": sorted(quiz.entered),
            }
            for number, quiz in state.quizzes.items()
        },
        "chat": state.chat,
    }

"""How much one participant may send into a lesson room: frame size, message rate, answers per quiz.

Why: every accepted lesson event is stored and broadcast to every participant, so one socket that sends as
fast as it can (a script, a stuck button) fills the database and floods every classroom's screen. A review
found one student socket storing 1,837 ``quiz.voted`` events (1.65 MB) in a few seconds. The limits here are
tuned so that nobody using the pages meets them:

- a frame larger than ``MAX_FRAME_BYTES`` is refused before it is parsed (a WebRTC offer is about 10 KB; the
  largest event, a quiz with eight options, about 4 KB);
- token buckets per kind of message (``RATES``), one per socket and one per user across that user's sockets
  in this process: events (a tap, a vote, a chat line: a few per second, with a burst for a page that sends
  what it queued while reconnecting), signalling (ICE candidates come in bursts of dozens per peer, and the
  host signals to every classroom) and resumes (each one reads the event log);
- at most ``MAX_ANSWERS_PER_QUIZ`` answers of one participant to one quiz (a student may change their mind,
  not vote a thousand times);
- a socket whose messages keep being refused (``STRIKES``) is closed.

What holds where: a socket lives in one server process, so its own buckets hold in every deployment. The
per-user buckets and the answer counts are in the process's memory (no extra round trip per event in a quiz
storm): with several web processes, a user with sockets in several of them gets each process's allowance,
which still bounds them by the number of sockets they can open.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field

MAX_FRAME_BYTES = 64 * 1024
MAX_ANSWERS_PER_QUIZ = 10
ANSWER_TYPES = ("quiz.voted", "quiz.answered")


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: float


# kind of message → (per socket, per user across their sockets in this process)
RATES: dict[str, tuple[Rate, Rate]] = {
    "event": (Rate(5, 30), Rate(10, 60)),  # stored and broadcast: events, start, end
    "signal": (Rate(50, 400), Rate(100, 800)),  # relayed to one participant, not stored
    "resume": (Rate(1, 10), Rate(2, 20)),  # each one reads the lesson's event log
}
STRIKES = Rate(0.2, 20)  # refusals a socket may collect (one more every 5 s) before it is closed


@dataclass
class TokenBucket:
    rate: Rate
    tokens: float = -1.0
    stamp: float = 0.0

    def take(self, now: float | None = None) -> bool:
        """Spend one token if there is one (refilling at ``rate.per_second`` up to ``rate.burst``)."""
        now = time.monotonic() if now is None else now
        if self.tokens < 0:
            self.tokens, self.stamp = self.rate.burst, now
        self.tokens = min(self.rate.burst, self.tokens + (now - self.stamp) * self.rate.per_second)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def kind_of(message_type) -> str:
    return message_type if message_type in ("signal", "resume") else "event"


@dataclass
class UserAllowance:
    """What one user has spent in this process, across their sockets."""

    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    answers: dict[tuple[int, str, int], int] = field(default_factory=dict)  # (lesson, type, quiz) → stored


_users: OrderedDict[int, UserAllowance] = OrderedDict()
MAX_USERS = 20_000  # the least recently active users' allowances are forgotten beyond this


def user_allowance(user_id: int) -> UserAllowance:
    allowance = _users.get(user_id)
    if allowance is None:
        allowance = _users[user_id] = UserAllowance()
        while len(_users) > MAX_USERS:
            _users.popitem(last=False)
    else:
        _users.move_to_end(user_id)
    return allowance


class SocketLimits:
    """The limits of one socket (with its user's shared allowance)."""

    def __init__(self, user_id: int) -> None:
        self.own = {kind: TokenBucket(rates[0]) for kind, rates in RATES.items()}
        self.user = user_allowance(user_id)
        self.strikes = TokenBucket(STRIKES)

    def allow(self, message_type) -> bool:
        """Whether a message of this type may be handled now (spends from the socket's and the user's)."""
        kind = kind_of(message_type)
        shared = self.user.buckets.setdefault(kind, TokenBucket(RATES[kind][1]))
        return self.own[kind].take() and shared.take()

    def strike(self) -> bool:
        """Count a refusal; False once the socket has been refused too often and should be closed."""
        return self.strikes.take()

    def answer_allowed(self, lesson_id: int, event_type: str, payload: dict) -> bool:
        """At most ``MAX_ANSWERS_PER_QUIZ`` answers of this participant to one quiz (counted when stored)."""
        if event_type not in ANSWER_TYPES or not isinstance(payload.get("quiz"), int):
            return True
        return self.user.answers.get((lesson_id, event_type, payload["quiz"]), 0) < MAX_ANSWERS_PER_QUIZ

    def answer_stored(self, lesson_id: int, event_type: str, payload: dict) -> None:
        if event_type in ANSWER_TYPES and isinstance(payload.get("quiz"), int):
            key = (lesson_id, event_type, payload["quiz"])
            self.user.answers[key] = self.user.answers.get(key, 0) + 1

"""A test that means a certain moment says so: ``@pytest.mark.clock("2026-11-23 15:00")``.

The moment is school time (Asia/Shanghai). From the test's start, Django's clock (``timezone.now``, and with
it ``localdate``, ``localtime`` and ``auto_now`` fields) reads that moment and runs on from it; so does the
clock of every page ``page_for`` opens (Playwright's clock), so that a page's scripts agree with the server.
Code in this process that reads ``timezone.now`` follows, the live server included; other processes (a
uvicorn server, a Celery worker) keep the machine's clock.

Tests without the mark run at whatever time it is: they must mean any day. ``scripts/test_dates.sh`` runs
the suite on a lesson day, a weekend, a holiday and after the term to prove it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

SCHOOL_TIME = zoneinfo.ZoneInfo("Asia/Shanghai")
_real_now = timezone.now


def school_time(text: str) -> dt.datetime:
    """``"2026-11-23 15:00"`` in Asia/Shanghai, as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SCHOOL_TIME)


@dataclass(frozen=True)
class ShiftedClock:
    """Django's clock moved to ``start`` at the moment it was made, running on from there."""

    start: dt.datetime
    offset: dt.timedelta

    @classmethod
    def at(cls, start: dt.datetime) -> ShiftedClock:
        return cls(start, start - _real_now())

    def now(self) -> dt.datetime:
        return _real_now() + self.offset


def install(monkeypatch, start: dt.datetime) -> ShiftedClock:
    """Move Django's clock for the rest of the test (``monkeypatch`` puts it back)."""
    clock = ShiftedClock.at(start)
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock

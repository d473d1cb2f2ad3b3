"""Rate limits shared by every server process: attempts are counted in the database, atomically.

A limited operation first *reserves* an attempt (one conditional ``UPDATE … WHERE count < limit``), then
runs, and gives the attempt back with ``release`` when it should not count (a pairing code that worked).
Reserving before running is what keeps N parallel requests from all passing a "check, then count" gap:
at most ``limit`` of them run, the others are refused without running. The window is fixed: it starts
with the first attempt and the count starts again once it has passed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from sanke.core.models import AttemptCounter


def reserve(key: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one attempt for ``key``; False (and nothing counted) when the window's limit is used up."""
    now = timezone.now()
    AttemptCounter.objects.bulk_create(
        [AttemptCounter(key=key, window_start=now, count=0)], ignore_conflicts=True
    )
    AttemptCounter.objects.filter(key=key, window_start__lte=now - window).update(count=0, window_start=now)
    return bool(AttemptCounter.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1))


def release(key: str) -> None:
    """Give back an attempt reserved with ``reserve`` that should not count against the limit."""
    AttemptCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def exhausted(key: str, *, limit: int, window: dt.timedelta) -> bool:
    """Whether ``key`` has used up its attempts in the current window (a read, for messages only)."""
    since = timezone.now() - window
    return AttemptCounter.objects.filter(key=key, count__gte=limit, window_start__gt=since).exists()

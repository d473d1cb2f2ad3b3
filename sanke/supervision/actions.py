"""State changes of supervision: its roll-up tables are written only here and in ``folding``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanke.supervision.folding import do_fold_lessons, do_rebuild_indicators
from sanke.timetable.models import Lesson

__all__ = ["do_fold_lessons", "do_fold_recent_lessons", "do_rebuild_indicators", "do_rebuild_all_indicators"]


def do_fold_recent_lessons(*, days: int = 2, now=None) -> int:
    """Fold again every lesson of the last ``days`` school days (a safety net for a failed fold)."""
    today = timezone.localdate(now or timezone.now())
    ids = Lesson.objects.filter(date__gte=today - dt.timedelta(days=days), date__lte=today).values_list(
        "pk", flat=True
    )
    return do_fold_lessons(list(ids))


def do_rebuild_all_indicators(*, progress=None) -> tuple[int, int]:
    """The whole roll-up again from every lesson (a repair, or after importing a past term)."""
    return do_rebuild_indicators(Lesson.objects.values_list("pk", flat=True), progress=progress)

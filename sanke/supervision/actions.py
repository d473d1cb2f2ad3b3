"""State changes of supervision: its roll-up tables are written only here and in ``folding``."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanke.alliances.models import Alliance
from sanke.notifications.actions import do_notify
from sanke.org.models import Region
from sanke.policy.selectors import effective_policy
from sanke.supervision.folding import do_fold_lessons, do_rebuild_indicators
from sanke.supervision.models import IndicatorDay, WarningDigest
from sanke.supervision.period import period_at
from sanke.supervision.selectors import placement_of_region
from sanke.supervision.warnings import early_warnings
from sanke.timetable.models import Lesson

__all__ = [
    "do_fold_lessons",
    "do_fold_recent_lessons",
    "do_rebuild_all_indicators",
    "do_rebuild_indicators",
    "do_send_warning_digests",
]


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


def do_send_warning_digests(*, now=None) -> int:
    """Tell each school with early warnings in last week (Monday to Sunday before ``now``) how many it has,
    with a link to its dashboard: one notice per school and week, whatever the number of runs.

    Runs per county (the policy that sets the targets is a region's); returns the notices sent."""
    today = timezone.localdate(now or timezone.now())
    day = today - dt.timedelta(days=7)
    period = period_at(day, Alliance.objects.all())  # scope: a system job over every county
    codes = (
        IndicatorDay.objects.filter(day__range=period.week_range)  # scope: a system job over every county
        .values_list("region_code", flat=True)
        .distinct()
    )
    sent = 0
    with translation.override("zh-hans"):
        for county in Region.objects.filter(code__in=sorted(set(codes))):  # scope: a system job
            target = effective_policy(county).weekly_sync_lessons_per_end
            per_school: dict[int, int] = {}
            for warning in early_warnings(placement_of_region(county), period, target):
                if warning.school_id is not None:
                    per_school[warning.school_id] = per_school.get(warning.school_id, 0) + 1
            for school_id, count in sorted(per_school.items()):
                try:
                    with transaction.atomic():
                        WarningDigest.objects.create(week=period.week, school_id=school_id, warnings=count)
                        do_notify(
                            [school_id],
                            _("Early warnings for the week of %(week)s: %(n)d behind the policy's targets.")
                            % {"week": period.week.strftime("%m-%d"), "n": count},
                            link=reverse("dashboard:school", args=[school_id]) + f"?date={day.isoformat()}",
                        )
                except IntegrityError:  # sent already this week
                    continue
                sent += 1
    return sent

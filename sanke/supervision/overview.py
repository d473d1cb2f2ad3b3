"""What a dashboard page shows of a placement (a region or a school): the headline figures against policy,
the weekly trend for the chart, the ends below the weekly target and the teachers' quotas.

Kept out of the views so that a region's page and a school's page are built the same way, and so that the
early warnings and reports (later) read the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from sanke.org.models import Classroom
from sanke.policy.selectors import effective_policy
from sanke.supervision.period import Period
from sanke.supervision.selectors import (
    EndFrequency,
    Figures,
    Placement,
    TeacherQuota,
    end_frequencies,
    figures,
    teacher_quotas,
    weekly_trend,
)


@dataclass
class Overview:
    week: Figures
    term: Figures
    target: int | None  # sync lessons a week per end
    ends: list[EndFrequency]
    average_per_end: float | None
    quotas: list[TeacherQuota]
    chart: dict
    equipment: dict

    @property
    def ends_below(self) -> list[EndFrequency]:
        return [end for end in self.ends if end.below]

    @property
    def quotas_met(self) -> int:
        return sum(1 for q in self.quotas if q.quota_met)

    @property
    def quotas_counted(self) -> int:
        return sum(1 for q in self.quotas if q.quota is not None)


def equipment_coverage(user, placement: Placement) -> dict:
    """Classrooms able to host or receive over all classrooms of the placement (one query)."""
    rooms = Classroom.objects.visible_to(user)
    if placement.school_id is not None:
        rooms = rooms.filter(school_id=placement.school_id)
    else:
        rooms = rooms.filter(school__region__code__startswith=placement.prefix)
    counts = rooms.aggregate(
        total=Count("pk"),
        host=Count("pk", filter=Q(host_capable=True)),
        receive=Count("pk", filter=Q(receiver_capable=True)),
        either=Count("pk", filter=Q(host_capable=True) | Q(receiver_capable=True)),
        recording=Count("pk", filter=Q(recording_capable=True)),
    )
    counts["rate"] = round(100 * counts["either"] / counts["total"], 1) if counts["total"] else None
    return counts


def overview(user, placement: Placement, period: Period, region) -> Overview:
    """Everything the headline and the chart need, in a fixed number of queries."""
    policy = effective_policy(region)
    target = policy.weekly_sync_lessons_per_end
    ends, average = end_frequencies(placement, period.week, target, period.term)
    trend = weekly_trend(placement, *period.term)
    chart = {
        "weeks": [week.strftime("%m-%d") for week, _fig in trend],
        "held": [fig.held for _week, fig in trend],
        "cancelled": [fig.cancelled for _week, fig in trend],
        "missed": [fig.missed for _week, fig in trend],
        "delivery": [fig.delivery_rate for _week, fig in trend],
        "reach": [fig.reach_rate for _week, fig in trend],
    }
    return Overview(
        week=figures(placement, *period.week_range),
        term=figures(placement, *period.term),
        target=target,
        ends=ends,
        average_per_end=average,
        quotas=teacher_quotas(placement, *period.term),
        chart=chart,
        equipment=equipment_coverage(user, placement),
    )

"""Early warnings: who is falling behind the region's policy, and why.

Two kinds, both against targets of the ``Policy`` (never in code):

- an **end** (a host classroom, a receiving class) that held fewer sync lessons this week than the weekly
  target, with the reason read from the week's facts: lessons cancelled (with their reasons), lessons that
  nobody started, a receiving end that did not connect for 80 % of a lesson, or a timetable that plans
  fewer lessons than the target;
- a **teacher** on course to miss the term's quota: lessons held so far plus lessons still scheduled until
  the end of the term fall short of the quota of their honour level.

Schools and alliances are named on every warning (an alliance's host and receiving schools together), so a
school's or an alliance's list is a filter of this one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from sanke.supervision.choices import Outcome
from sanke.supervision.period import Period
from sanke.supervision.selectors import Placement, TeacherQuota, end_frequencies, teacher_quotas
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson


@dataclass
class EarlyWarning:
    kind: str  # "host", "receiver" or "teacher"
    subject: str  # who: the end or the teacher
    school_id: int | None
    school: str
    figure: str  # e.g. "2 / 6"
    reasons: list[str]
    link_key: str = ""  # pk of the class or person, for a link

    @property
    def kind_label(self) -> str:
        return {
            "host": _("Host classroom below the weekly target"),
            "receiver": _("Receiving class below the weekly target"),
            "teacher": _("Teacher on course to miss the term's quota"),
        }[self.kind]

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


def _week_reasons(placement: Placement, period: Period) -> dict[tuple[str, str], list[str]]:
    """Reasons per end ("host"/"receiver", key) from the facts of the week (one query)."""
    rows = (
        placement.facts()
        .filter(day__range=period.week_range)
        .values("host_classroom_id", "class_group_id", "lesson_id", "outcome", "reason", "reached")
        .order_by()
    )
    per_end: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"cancelled": defaultdict(set), "missed": set(), "unreached": set()}
    )
    for row in rows:
        ends = [("host", str(row["host_classroom_id"])), ("receiver", str(row["class_group_id"]))]
        for end in ends:
            bucket = per_end[end]
            if row["outcome"] == Outcome.CANCELLED:
                bucket["cancelled"][row["reason"] or _("no reason given")].add(row["lesson_id"])
            elif row["outcome"] == Outcome.MISSED:
                bucket["missed"].add(row["lesson_id"])
            elif not row["reached"] and end[0] == "receiver":
                bucket["unreached"].add(row["lesson_id"])
    reasons: dict[tuple[str, str], list[str]] = {}
    for end, bucket in per_end.items():
        texts = [
            _("%(n)d cancelled: %(reason)s") % {"n": len(ids), "reason": reason}
            for reason, ids in sorted(bucket["cancelled"].items())
        ]
        if bucket["missed"]:
            texts.append(_("%(n)d not started by anyone") % {"n": len(bucket["missed"])})
        if bucket["unreached"]:
            texts.append(
                _("%(n)d where the receiving end was not connected for 80 %% of the lesson")
                % {"n": len(bucket["unreached"])}
            )
        reasons[end] = texts
    return reasons


def _remaining(quotas: list[TeacherQuota], after: dt.date, until: dt.date) -> dict[int, int]:
    """Lessons still scheduled per teacher after ``after`` until the end of the term (one query)."""
    ids = [q.person.pk for q in quotas if q.quota is not None]
    rows = (
        Lesson.objects.filter(  # scope: teachers of the placement's roll-up rows, checked by the caller
            status=LessonStatus.SCHEDULED,
            date__gt=after,
            date__lte=until,
            series__host_teacher__in=ids,
        )
        .values_list("series__host_teacher")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def early_warnings(placement: Placement, period: Period, target: int | None) -> list[EarlyWarning]:
    """Every warning of the placement for the period's week and term."""
    warnings: list[EarlyWarning] = []
    ends, _average = end_frequencies(placement, period.week, target, period.term)
    reasons = _week_reasons(placement, period)
    for end in ends:
        if not end.below:
            continue
        why = list(reasons.get((end.kind, end.key), []))
        if not why:
            why.append(_("fewer lessons are planned this week than the target"))
        warnings.append(
            EarlyWarning(
                end.kind, end.label, end.school_id, end.school, f"{end.held} / {end.target}", why, end.key
            )
        )
    quotas = teacher_quotas(placement, *period.term)
    remaining = _remaining(quotas, period.date, period.term_end)
    for quota in quotas:
        if quota.quota is None or quota.quota_met:
            continue
        left = remaining.get(quota.person.pk, 0)
        if quota.held + left >= quota.quota:
            continue
        why = [
            _("%(held)d held and %(left)d still scheduled this term, quota %(quota)d")
            % {"held": quota.held, "left": left, "quota": quota.quota}
        ]
        if quota.figures.cancelled:
            why.append(_("%(n)d cancelled") % {"n": quota.figures.cancelled})
        if quota.figures.missed:
            why.append(_("%(n)d not started by anyone") % {"n": quota.figures.missed})
        school = quota.person.school
        warnings.append(
            EarlyWarning(
                "teacher",
                quota.person.name,
                school.pk if school else None,
                school.name if school else "",
                f"{quota.held} / {quota.quota}",
                why,
                str(quota.person.pk),
            )
        )
    return warnings

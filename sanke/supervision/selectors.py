"""Reading the indicators: figures over the roll-up, weekly trends, breakdowns, ends and teacher quotas.

Every function takes a *placement* (``Placement``: a region code prefix, or one school) that the caller has
already checked through the scoping kernel (``sanke.supervision.access``); the roll-up rows are derived
data placed by region code and school, so these queries filter on the placement and say so (``# scope:``).
Targets come from the region's effective ``Policy``, never from code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from sanke.org.choices import HonourLevel
from sanke.org.models import ClassGroup, Classroom, Person, Region, School
from sanke.policy.selectors import effective_policy
from sanke.supervision.choices import Dimension, Outcome
from sanke.supervision.facts import week_of
from sanke.supervision.models import IndicatorDay, LessonFact

COUNTS = (
    "lessons",
    "held",
    "cancelled",
    "missed",
    "moved",
    "receptions",
    "reached",
    "interacted",
    "heads",
    "roster",
)
QUOTA_FIELDS = {
    HonourLevel.PROVINCE: "online_lessons_province_level",
    HonourLevel.CITY: "online_lessons_city_level",
    HonourLevel.COUNTY: "online_lessons_county_level",
}


@dataclass(frozen=True)
class Placement:
    """Where figures are taken: a region subtree (by code prefix), or one school."""

    prefix: str = ""
    school_id: int | None = None

    def rows(self, dimension: str):
        rows = IndicatorDay.objects.filter(dimension=dimension)  # scope: the placement was accessed
        if self.school_id is not None:
            return rows.filter(school_id=self.school_id)
        return rows.filter(region_code__startswith=self.prefix)

    def facts(self):
        facts = LessonFact.objects.all()  # scope: the placement was accessed by the caller
        if self.school_id is not None:
            return facts.filter(Q(host_school_id=self.school_id) | Q(receiving_school_id=self.school_id))
        return facts.filter(host_region_code__startswith=self.prefix)


def placement_of_region(region: Region) -> Placement:
    return Placement(prefix=region.prefix)


def placement_of_school(school: School) -> Placement:
    return Placement(school_id=school.pk)


@dataclass
class Figures:
    """Sums of roll-up rows and the rates the dashboard shows (None where nothing was due)."""

    lessons: int = 0
    held: int = 0
    cancelled: int = 0
    missed: int = 0
    moved: int = 0
    receptions: int = 0
    reached: int = 0
    interacted: int = 0
    heads: int = 0
    roster: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def delivery_rate(self) -> float | None:
        return self._rate(self.held, self.lessons)

    @property
    def reach_rate(self) -> float | None:
        return self._rate(self.reached, self.receptions)

    @property
    def interaction_rate(self) -> float | None:
        return self._rate(self.interacted, self.receptions)

    @property
    def attendance_rate(self) -> float | None:
        return self._rate(self.heads, self.roster)

    @property
    def watched_only(self) -> int:
        """Receptions where the class was connected but never spoke or answered."""
        return self.receptions - self.interacted


def _sums() -> dict:
    return {name: Sum(name, default=0) for name in COUNTS}


def figures(placement: Placement, start: dt.date, end: dt.date, *, dimension: str | None = None) -> Figures:
    """The figures of a placement between two days (inclusive): a region's own row, or its school's."""
    dimension = dimension or (Dimension.SCHOOL if placement.school_id is not None else Dimension.REGION)
    totals = placement.rows(dimension).filter(day__range=(start, end)).aggregate(**_sums())
    return Figures(**totals)


def figures_of(dimension: str, key, start: dt.date, end: dt.date) -> Figures:
    """The figures of one class, alliance, teacher or host classroom (the caller accessed it)."""
    rows = IndicatorDay.objects.filter(
        dimension=dimension, key=str(key), day__range=(start, end)
    )  # scope: accessed
    return Figures(**rows.aggregate(**_sums()))


def weekly_trend(placement: Placement, start: dt.date, end: dt.date) -> list[tuple[dt.date, Figures]]:
    """Figures per week (Monday first) between two days; weeks with nothing due are left out."""
    dimension = Dimension.SCHOOL if placement.school_id is not None else Dimension.REGION
    rows = (
        placement.rows(dimension)
        .filter(day__range=(start, end))
        .values("week")
        .annotate(**_sums())
        .order_by("week")
    )
    return [(row.pop("week"), Figures(**row)) for row in rows]


@dataclass
class BreakdownRow:
    key: str
    label: str
    figures: Figures
    obj: object = None
    extra: dict = field(default_factory=dict)


def _grouped(placement: Placement, dimension: str, start: dt.date, end: dt.date, *, by: str = "key") -> dict:
    rows = placement.rows(dimension).filter(day__range=(start, end)).values(by).annotate(**_sums())
    return {row.pop(by): Figures(**row) for row in rows}


def by_subregion(region: Region, start: dt.date, end: dt.date) -> list[BreakdownRow]:
    """A city's or province's figures per child region (county rows summed by code prefix)."""
    children = list(
        Region.objects.filter(parent=region).order_by("code")
    )  # scope: children of an accessed region
    per_county = _grouped(placement_of_region(region), Dimension.REGION, start, end, by="region_code")
    result = []
    for child in children:
        total = Figures()
        for code, fig in per_county.items():
            if code.startswith(child.prefix):
                for name in COUNTS:
                    setattr(total, name, getattr(total, name) + getattr(fig, name))
        result.append(BreakdownRow(child.code, child.name, total, child))
    return result


def by_school(placement: Placement, start: dt.date, end: dt.date) -> list[BreakdownRow]:
    grouped = _grouped(placement, Dimension.SCHOOL, start, end)
    schools = School.objects.filter(pk__in=[int(k) for k in grouped]).order_by("code")  # scope: rows placed
    return [BreakdownRow(str(s.pk), s.name, grouped[str(s.pk)], s) for s in schools]


def by_alliance(placement: Placement, start: dt.date, end: dt.date) -> list[BreakdownRow]:
    from sanke.alliances.models import Alliance

    grouped = _grouped(placement, Dimension.ALLIANCE, start, end)
    alliances = Alliance.objects.filter(pk__in=[int(k) for k in grouped]).order_by(
        "name"
    )  # scope: rows placed
    return [BreakdownRow(str(a.pk), a.name, grouped[str(a.pk)], a) for a in alliances]


def by_class(placement: Placement, start: dt.date, end: dt.date) -> list[BreakdownRow]:
    grouped = _grouped(placement, Dimension.CLASS, start, end)
    classes = ClassGroup.objects.filter(
        pk__in=[int(k) for k in grouped]
    ).select_related(  # scope: rows placed
        "school", "grade"
    )
    return [BreakdownRow(str(c.pk), f"{c.school.name} {c}", grouped[str(c.pk)], c) for c in classes]


@dataclass
class TeacherQuota:
    """A teacher's online lessons this term against the quota of their honour level."""

    person: Person
    held: int
    quota: int | None  # None: no quota for this honour level
    coefficient: Decimal
    figures: Figures

    @property
    def workload(self) -> Decimal:
        return (Decimal(self.held) * self.coefficient).quantize(Decimal("0.1"))

    @property
    def quota_met(self) -> bool | None:
        return None if self.quota is None else self.held >= self.quota


def _quota(person: Person, policies: dict) -> tuple[int | None, Decimal]:
    region = person.school.region if person.school_id else None
    key = region.pk if region else None
    if key not in policies:
        policies[key] = effective_policy(region)
    policy = policies[key]
    field_name = QUOTA_FIELDS.get(person.honour_level)
    quota = policy[field_name] if field_name else None
    return quota, Decimal(policy.workload_coefficient or 1)


def teacher_quotas(placement: Placement, start: dt.date, end: dt.date) -> list[TeacherQuota]:
    """Every host teacher with lessons due in the window: held lessons, quota and weighted workload."""
    grouped = _grouped(placement, Dimension.TEACHER, start, end)
    people = Person.objects.filter(pk__in=[int(k) for k in grouped]).select_related(  # scope: rows placed
        "school__region"
    )
    policies: dict = {}
    result = []
    for person in sorted(people, key=lambda p: p.name):
        quota, coefficient = _quota(person, policies)
        fig = grouped[str(person.pk)]
        result.append(TeacherQuota(person, fig.held, quota, coefficient, fig))
    return result


def teacher_quota(person: Person, start: dt.date, end: dt.date) -> TeacherQuota:
    """One teacher's quota (the teacher record)."""
    totals = IndicatorDay.objects.filter(  # scope: a person the caller accessed
        dimension=Dimension.TEACHER, key=str(person.pk), day__range=(start, end)
    ).aggregate(**_sums())
    fig = Figures(**totals)
    quota, coefficient = _quota(person, {})
    return TeacherQuota(person, fig.held, quota, coefficient, fig)


@dataclass
class EndFrequency:
    """Held sync lessons of one end (a host classroom or a receiving class) in one week, against target."""

    kind: str  # "host" or "receiver"
    label: str
    held: int
    target: int | None
    key: str = ""
    school_id: int | None = None
    school: str = ""

    @property
    def below(self) -> bool:
        return self.target is not None and self.held < self.target


def end_frequencies(placement: Placement, week: dt.date, target: int | None, term: tuple[dt.date, dt.date]):
    """Every end active in the term, with its lessons held in ``week`` (Monday) against the weekly target.

    Returns (ends, average held per end)."""
    week_end = week + dt.timedelta(days=6)
    result = []
    for dimension, kind in ((Dimension.HOST_CLASSROOM, "host"), (Dimension.CLASS, "receiver")):
        active = set(
            placement.rows(dimension).filter(day__range=term).values_list("key", flat=True).distinct()
        )
        held = _grouped(placement, dimension, week, week_end)
        ids = [int(k) for k in active]
        if kind == "host":
            objects = Classroom.objects.filter(pk__in=ids).select_related("school")  # scope: rows placed
            labels = {str(o.pk): f"{o.school.name} {o.name}" for o in objects}
            schools = {str(o.pk): o.school for o in objects}
        else:
            classes = ClassGroup.objects.filter(pk__in=ids).select_related(
                "school", "grade"
            )  # scope: rows placed
            labels = {str(c.pk): f"{c.school.name} {c}" for c in classes}
            schools = {str(c.pk): c.school for c in classes}
        for key in sorted(active, key=lambda k: labels.get(k, k)):
            fig = held.get(key)
            school = schools.get(key)
            result.append(
                EndFrequency(
                    kind,
                    labels.get(key, key),
                    fig.held if fig else 0,
                    target,
                    key,
                    school.pk if school else None,
                    school.name if school else "",
                )
            )
    average = round(sum(e.held for e in result) / len(result), 2) if result else None
    return result, average


def lessons_behind(placement: Placement, start: dt.date, end: dt.date, *, outcome: str = "", **keys):
    """The facts behind a figure (each links to its lesson), newest first."""
    facts = placement.facts().filter(day__range=(start, end))
    if outcome in Outcome.values:
        facts = facts.filter(outcome=outcome)
    for name, value in keys.items():
        if value:
            facts = facts.filter(**{name: value})
    return facts.select_related(
        "lesson", "class_group__grade", "receiving_school", "host_teacher", "host_school"
    ).order_by("-day", "lesson_id", "class_group_id")


def current_week(today: dt.date) -> dt.date:
    return week_of(today)

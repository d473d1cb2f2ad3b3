"""Folding lessons into the roll-up: their facts, then the daily sums of everything those facts touch.

One code path serves both the incremental fold (a lesson ended, was cancelled, missed or moved: a few
rows) and the full rebuild (every row): ``_sum_rows`` groups facts into ``IndicatorDay`` rows, for all
facts or for the facts of the affected days and keys. So a rebuild and a sequence of folds give the same
numbers (a test checks it). Plain GROUP BY with COUNT(DISTINCT CASE …) and SUM: SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum

from sanke.supervision.choices import Dimension, Outcome
from sanke.supervision.facts import facts_for, week_of
from sanke.supervision.models import IndicatorDay, LessonFact

BATCH = 500


@dataclass(frozen=True)
class Grouping:
    """How facts group into one dimension: the key column and where the row is placed."""

    key: str  # LessonFact column
    region: str  # column giving the row's region code
    school: str | None  # column giving the row's school, None for regions
    lessons: bool = True  # counts lessons (held, cancelled, …)
    reach: bool = True  # counts receptions (reached, interacted, heads)
    lesson_filter: Q | None = None


GROUPINGS: dict[str, tuple[Grouping, ...]] = {
    Dimension.REGION: (Grouping("host_region_code", "host_region_code", None),),
    Dimension.ALLIANCE: (Grouping("alliance_id", "host_region_code", "host_school_id"),),
    Dimension.TEACHER: (Grouping("host_teacher_id", "host_region_code", "host_school_id"),),
    Dimension.HOST_CLASSROOM: (
        Grouping("host_classroom_id", "host_region_code", "host_school_id", reach=False),
    ),
    Dimension.CLASS: (Grouping("class_group_id", "receiving_region_code", "receiving_school_id"),),
    # a school counts the lessons it hosts and those it receives, a lesson it does both for once
    Dimension.SCHOOL: (
        Grouping("host_school_id", "host_region_code", "host_school_id", reach=False),
        Grouping(
            "receiving_school_id",
            "receiving_region_code",
            "receiving_school_id",
            lesson_filter=~Q(receiving_school_id=F("host_school_id")),
        ),
    ),
}
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


def _aggregates(grouping: Grouping) -> dict:
    sums: dict = {}
    if grouping.lessons:
        base = grouping.lesson_filter or Q()
        sums |= {
            "lessons": Count("lesson_id", distinct=True, filter=grouping.lesson_filter),
            "held": Count("lesson_id", distinct=True, filter=base & Q(outcome=Outcome.HELD)),
            "cancelled": Count("lesson_id", distinct=True, filter=base & Q(outcome=Outcome.CANCELLED)),
            "missed": Count("lesson_id", distinct=True, filter=base & Q(outcome=Outcome.MISSED)),
            "moved": Count("lesson_id", distinct=True, filter=base & Q(moved=True)),
        }
    if grouping.reach:
        held = Q(outcome=Outcome.HELD)
        sums |= {
            "receptions": Count("pk", filter=held),
            "reached": Count("pk", filter=held & Q(reached=True)),
            "interacted": Count("pk", filter=held & Q(interacted=True)),
            "heads": Sum("head_count", filter=held, default=0),
            "roster": Sum("roster", filter=held & Q(head_count__isnull=False), default=0),
        }
    return sums


def _sum_rows(dimension: str, facts, keys: set[str] | None = None) -> list[IndicatorDay]:
    """The ``IndicatorDay`` rows of ``dimension`` over ``facts`` (limited to ``keys`` when given)."""
    rows: dict[tuple[dt.date, str], IndicatorDay] = {}
    for grouping in GROUPINGS[dimension]:
        placement = {"_region": Max(grouping.region)}
        if grouping.school:
            placement["_school"] = Max(grouping.school)
        grouped = facts.values("day", grouping.key).annotate(**placement, **_aggregates(grouping))
        for values in grouped:
            key = str(values[grouping.key])
            if keys is not None and key not in keys:
                continue
            row = rows.get((values["day"], key))
            if row is None:
                row = rows[(values["day"], key)] = IndicatorDay(
                    day=values["day"],
                    week=week_of(values["day"]),
                    dimension=dimension,
                    key=key,
                    region_code=values["_region"],
                    school_id=values.get("_school"),
                )
            for name in COUNTS:
                if name in values:
                    setattr(row, name, getattr(row, name) + (values[name] or 0))
    return list(rows.values())


def _touched(facts: Iterable) -> dict[str, tuple[set[dt.date], set[str]]]:
    """The days and keys of every dimension that these facts (rows or dicts) count in."""
    touched: dict[str, tuple[set[dt.date], set[str]]] = defaultdict(lambda: (set(), set()))
    for fact in facts:
        get = fact.get if isinstance(fact, dict) else (lambda name, f=fact: getattr(f, name))
        for dimension, groupings in GROUPINGS.items():
            days, keys = touched[dimension]
            days.add(get("day"))
            keys.update(str(get(g.key)) for g in groupings)
    return touched


def _refold(touched: dict[str, tuple[set[dt.date], set[str]]]) -> None:
    for dimension, (days, keys) in touched.items():
        if not keys:
            continue
        key_columns = {g.key for g in GROUPINGS[dimension]}
        match = Q()
        for column in key_columns:
            match |= Q(**{f"{column}__in": sorted(keys)})
        facts = LessonFact.objects.filter(match, day__in=sorted(days))
        IndicatorDay.objects.filter(dimension=dimension, key__in=sorted(keys), day__in=sorted(days)).delete()
        IndicatorDay.objects.bulk_create(_sum_rows(dimension, facts, keys))


def do_fold_lessons(lesson_ids: Iterable[int]) -> int:
    """Bring the facts of these lessons and every daily sum they touch (before and after) up to date.

    Idempotent: folding a lesson twice gives the same rows. Returns the number of facts written."""
    ids = sorted(set(lesson_ids))
    if not ids:
        return 0
    with transaction.atomic():
        fields = ["day", *{g.key for groupings in GROUPINGS.values() for g in groupings}]
        old = list(LessonFact.objects.filter(lesson_id__in=ids).values(*fields))
        new = facts_for(ids)
        LessonFact.objects.filter(lesson_id__in=ids).delete()
        LessonFact.objects.bulk_create(new)
        touched = _touched(old)
        for dimension, (days, keys) in _touched(new).items():
            touched[dimension][0].update(days)
            touched[dimension][1].update(keys)
        _refold(touched)
    return len(new)


def do_rebuild_indicators(lesson_ids: Iterable[int], *, progress=None) -> tuple[int, int]:
    """Throw the roll-up away and compute it again from these lessons (all of them, for a repair).

    Returns (facts, daily rows)."""
    ids = sorted(set(lesson_ids))
    written = 0
    with transaction.atomic():
        LessonFact.objects.all().delete()
        IndicatorDay.objects.all().delete()
        for start in range(0, len(ids), BATCH):
            batch = facts_for(ids[start : start + BATCH])
            LessonFact.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
            if progress:
                progress(min(start + BATCH, len(ids)), len(ids))
        rows = 0
        for dimension in GROUPINGS:
            made = _sum_rows(dimension, LessonFact.objects.all())
            IndicatorDay.objects.bulk_create(made, batch_size=BATCH)
            rows += len(made)
    return written, rows

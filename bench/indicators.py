"""Benchmark of the indicator dashboard: its queries through the platform's roll-up against the same figures
computed by hand-written SQL over the raw lesson-attendance rows, on the same database in the same run.

The dataset: the demo province plus ``schools`` generated schools (a grade, classes, a classroom and a
teacher each) in its two counties, a term of lessons, and ``rows`` lesson-attendance rows — one
``LessonFact`` per lesson and receiving class (held 85 %, cancelled 8 %, missed 7 %; reached, interacted
and head counts drawn at random). The roll-up (``IndicatorDay``) is then built by the platform's own
grouping (``folding._sum_rows``), as ``rebuild_indicators`` does.

Measured, each ``--repeat`` times (p50/p95):

- **platform**: what the province dashboard reads — term figures, the weekly trend, the table by
  sub-region, the county's table by school — through ``sanke.supervision.selectors`` (roll-up rows);
- **sql**: the same numbers by hand-written SQL over the raw rows (``COUNT(DISTINCT …)`` over
  ``supervision_lessonfact``), which is what a platform without a roll-up would run;
- the numbers of both are compared (``same_numbers``);
- **refresh_day_s**: one new school day of attendance rows inserted and folded into the roll-up
  (``folding._refold`` of the days and keys it touches: what a lesson's fold does after its facts).

Run from the repository root (a throwaway SQLite database in a temporary ``SANKE_VAR_DIR``; set
``SANKE_DATABASE_URL`` to an empty PostgreSQL database of your own to measure PostgreSQL)::

    .venv/bin/python bench/indicators.py --quick      # 100,000 rows, under a minute
    .venv/bin/python bench/indicators.py --rows 10000000 --schools 3000

The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TERM = (dt.date(2026, 9, 1), dt.date(2027, 1, 22))
BATCH = 5000


def school_days() -> list[dt.date]:
    day, days = TERM[0], []
    while day <= TERM[1]:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def build(rows: int, schools: int, seed: int = 7):
    """The generated province: schools, classes, teachers, lessons and their attendance rows."""
    from django.db import transaction

    from sanke.org.choices import GradeNumber, PersonKind, SchoolKind
    from sanke.org.models import ClassGroup, Classroom, Grade, Person, Region, School
    from sanke.supervision.facts import week_of
    from sanke.supervision.models import LessonFact
    from sanke.timetable.models import Lesson, SyncSeries

    rng = random.Random(seed)
    series = SyncSeries.objects.get(subject="英语")
    counties = list(Region.objects.filter(code__in=["330127", "330182"]))
    with transaction.atomic():
        made = School.objects.bulk_create(
            School(
                code=f"9{index:09d}",
                name=f"生成学校{index}",
                kind=SchoolKind.PRIMARY,
                region=counties[index % 2],
            )
            for index in range(schools)
        )
        grades = Grade.objects.bulk_create(Grade(school=s, number=GradeNumber.choices[2][0]) for s in made)
        classes = ClassGroup.objects.bulk_create(
            ClassGroup(school=g.school, grade=g, name=f"({n})班") for g in grades for n in (1, 2, 3)
        )
        rooms = Classroom.objects.bulk_create(
            Classroom(school=s, name="录播室", host_capable=True, receiver_capable=True) for s in made
        )
        teachers = Person.objects.bulk_create(
            Person(kind=PersonKind.TEACHER, name=f"教师{s.pk}", school=s, honour_level="county") for s in made
        )
    region_of = {c.pk: c.code for c in counties}
    by_school = {s.pk: (s, region_of[s.region_id]) for s in made}
    room_of = {r.school_id: r.pk for r in rooms}
    teacher_of = {t.school_id: t.pk for t in teachers}
    days = school_days()
    period_id = series.slots.first().host_period_id
    per_lesson = 2
    lessons_needed = rows // per_lesson
    facts_made = 0
    with transaction.atomic():
        for start in range(0, lessons_needed, BATCH):
            count = min(BATCH, lessons_needed - start)
            batch = []
            for index in range(start, start + count):
                day = days[index % len(days)]
                at = dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)
                batch.append(
                    Lesson(
                        series=series,
                        date=day,
                        host_period_id=period_id,
                        starts_at=at,
                        ends_at=at + dt.timedelta(minutes=40),
                        status="ended",
                    )
                )
            lessons = Lesson.objects.bulk_create(batch)
            facts = []
            for lesson in lessons:
                host = made[rng.randrange(len(made))]
                roll = rng.random()
                outcome = "held" if roll < 0.85 else ("cancelled" if roll < 0.93 else "missed")
                for class_group in rng.sample(classes, per_lesson):
                    school, code = by_school[class_group.school_id]
                    reached = outcome == "held" and rng.random() < 0.8
                    facts.append(
                        LessonFact(
                            lesson_id=lesson.pk,
                            class_group_id=class_group.pk,
                            day=lesson.date,
                            week=week_of(lesson.date),
                            alliance_id=series.alliance_id,
                            subject="英语",
                            host_teacher_id=teacher_of[host.pk],
                            host_classroom_id=room_of[host.pk],
                            host_school_id=host.pk,
                            host_region_code=by_school[host.pk][1],
                            receiving_school_id=school.pk,
                            receiving_region_code=code,
                            outcome=outcome,
                            moved=rng.random() < 0.03,
                            reason="教师请假" if outcome == "cancelled" else "",
                            connected_share=0.9 if reached else 0.3,
                            reached=reached,
                            interacted=reached and rng.random() < 0.6,
                            head_count=rng.randrange(20, 45) if reached else None,
                            roster=45,
                        )
                    )
            LessonFact.objects.bulk_create(facts, batch_size=BATCH)
            facts_made += len(facts)
    return facts_made


def rebuild_rollup() -> float:
    from django.db import transaction

    from sanke.supervision.folding import GROUPINGS, _sum_rows
    from sanke.supervision.models import IndicatorDay, LessonFact

    started = time.perf_counter()
    with transaction.atomic():
        IndicatorDay.objects.all().delete()
        for dimension in GROUPINGS:
            IndicatorDay.objects.bulk_create(_sum_rows(dimension, LessonFact.objects.all()), batch_size=BATCH)
    return time.perf_counter() - started


def platform_dashboard():
    """The province dashboard's figures, and the county's school table, through the selectors."""
    from sanke.org.models import Region
    from sanke.supervision.selectors import (
        by_school,
        by_subregion,
        figures,
        placement_of_region,
        weekly_trend,
    )

    province, county = Region.objects.get(code="330000"), Region.objects.get(code="330127")
    placement = placement_of_region(province)
    term = figures(placement, *TERM)
    trend = weekly_trend(placement, *TERM)
    subregions = by_subregion(province, *TERM)
    schools = by_school(placement_of_region(county), *TERM)
    return {
        "term": [term.lessons, term.held, term.cancelled, term.missed, term.receptions, term.reached],
        "weeks": [(w.isoformat(), f.lessons, f.held) for w, f in trend],
        "subregions": sorted((r.key, r.figures.lessons, r.figures.held) for r in subregions),
        "schools": sorted((int(r.key), r.figures.lessons, r.figures.held) for r in schools),
    }


def sql_dashboard():
    """The same figures by hand-written SQL over the raw attendance rows."""
    from django.db import connection

    held = "CASE WHEN outcome = 'held' THEN lesson_id END"
    f_held = "CASE WHEN f.outcome = 'held' THEN f.lesson_id END"
    span = [TERM[0].isoformat(), TERM[1].isoformat()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT COUNT(DISTINCT lesson_id), COUNT(DISTINCT {held}),
                       COUNT(DISTINCT CASE WHEN outcome = 'cancelled' THEN lesson_id END),
                       COUNT(DISTINCT CASE WHEN outcome = 'missed' THEN lesson_id END),
                       SUM(CASE WHEN outcome = 'held' THEN 1 ELSE 0 END),
                       SUM(CASE WHEN outcome = 'held' AND reached THEN 1 ELSE 0 END)
                FROM supervision_lessonfact WHERE host_region_code LIKE '33%%' AND day BETWEEN %s AND %s""",
            span,
        )
        term = [int(v or 0) for v in cursor.fetchone()]
        cursor.execute(
            f"""SELECT week, COUNT(DISTINCT lesson_id), COUNT(DISTINCT {held}) FROM supervision_lessonfact
                WHERE host_region_code LIKE '33%%' AND day BETWEEN %s AND %s GROUP BY week ORDER BY week""",
            span,
        )
        weeks = [(str(w)[:10], int(a), int(b)) for w, a, b in cursor.fetchall()]
        cursor.execute(
            f"""SELECT r.code, COUNT(DISTINCT f.lesson_id), COUNT(DISTINCT {f_held})
                FROM org_region r LEFT JOIN supervision_lessonfact f
                  ON f.host_region_code LIKE (SUBSTR(r.code, 1, 4) || '%%') AND f.day BETWEEN %s AND %s
                WHERE r.parent_id = (SELECT id FROM org_region WHERE code = '330000') GROUP BY r.code""",
            span,
        )
        subregions = sorted((code, int(a), int(b)) for code, a, b in cursor.fetchall())
        cursor.execute(
            f"""SELECT school, COUNT(DISTINCT lesson_id), COUNT(DISTINCT {held}) FROM (
                  SELECT host_school_id AS school, lesson_id, outcome, day FROM supervision_lessonfact
                    WHERE host_region_code = '330127'
                  UNION ALL
                  SELECT receiving_school_id, lesson_id, outcome, day FROM supervision_lessonfact
                    WHERE receiving_region_code = '330127') AS sides
                WHERE day BETWEEN %s AND %s GROUP BY school""",
            span,
        )
        schools = sorted((int(s), int(a), int(b)) for s, a, b in cursor.fetchall())
    return {"term": term, "weeks": weeks, "subregions": subregions, "schools": schools}


def timed(function, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def refresh_one_day(rows_per_day: int) -> float:
    """One new school day (after the term) of attendance rows, like the term's first day: its lessons are
    made first (not timed); then its rows are inserted and folded into the roll-up (timed)."""
    from django.db import transaction

    from sanke.supervision.facts import week_of
    from sanke.supervision.folding import _refold, _touched
    from sanke.supervision.models import LessonFact
    from sanke.timetable.models import Lesson

    sample = list(LessonFact.objects.filter(day=TERM[0])[:rows_per_day])
    new_day = TERM[1] + dt.timedelta(days=3)
    originals = {lesson.pk: lesson for lesson in Lesson.objects.filter(pk__in={f.lesson_id for f in sample})}
    copies = {}
    for pk, lesson in originals.items():
        lesson.pk, lesson.date = None, new_day
        copies[pk] = lesson
    Lesson.objects.bulk_create(list(copies.values()), batch_size=BATCH)
    for fact in sample:
        fact.pk, fact.day, fact.week, fact.lesson_id = (
            None,
            new_day,
            week_of(new_day),
            copies[fact.lesson_id].pk,
        )
    started = time.perf_counter()
    with transaction.atomic():
        LessonFact.objects.bulk_create(sample, batch_size=BATCH)
        _refold(_touched(sample))
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="attendance rows (default 10,000,000)")
    parser.add_argument("--schools", type=int, default=None, help="generated schools (default rows / 3,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 rows: under a minute")
    parser.add_argument("--repeat", type=int, default=20, help="dashboard loads timed")
    args = parser.parse_args(argv)
    rows = args.rows or (100_000 if args.quick else 10_000_000)
    schools = args.schools or max(60, rows // 3000)

    var_dir = Path(tempfile.mkdtemp(prefix="sanke-bench-indicators-"))
    os.environ["SANKE_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from sanke.site.demo import load_demo

        call_command("migrate", verbosity=0)
        load_demo()
        started = time.perf_counter()
        made = build(rows, schools)
        build_s = time.perf_counter() - started
        rollup_s = rebuild_rollup()
        print(
            f"Indicator dashboard, {connection.vendor}: {made:,} attendance rows, "
            f"{schools:,} generated schools"
        )
        print(f"  generated in {build_s:.1f} s; roll-up rebuilt from the raw rows in {rollup_s:.2f} s")
        platform_dashboard(), sql_dashboard()  # warm the caches of both alike
        ours_ms, ours = timed(platform_dashboard, args.repeat)
        sql_ms, theirs = timed(sql_dashboard, args.repeat)
        same = ours == theirs
        if not same:
            for key in ours:
                if ours[key] != theirs[key]:
                    print(f"  DIFFERENT {key}: platform {str(ours[key])[:200]} sql {str(theirs[key])[:200]}")
        p50, p95 = percentile(ours_ms, 0.5), percentile(ours_ms, 0.95)
        sql_p50, sql_p95 = percentile(sql_ms, 0.5), percentile(sql_ms, 0.95)
        per_day = max(1, made // len(school_days()))
        refresh_s = refresh_one_day(per_day)
        ratio = round(sql_p95 / p95, 1) if p95 else None
        print(f"  platform (roll-up):  p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  ({args.repeat} dashboard loads)")
        print(f"  hand SQL (raw rows): p50 {sql_p50:8.1f} ms  p95 {sql_p95:8.1f} ms")
        print(f"  ratio (sql p95 / platform p95): {ratio}×; same numbers: {same}")
        print(f"  one new day ({per_day:,} rows) folded into the roll-up in {refresh_s:.3f} s")
        print(
            json.dumps(
                {
                    "bench": "indicators",
                    "rows": made,
                    "p50_ms": round(p50, 1),
                    "p95_ms": round(p95, 1),
                    "sql_p95_ms": round(sql_p95, 1),
                    "ratio": ratio,
                    "refresh_day_s": round(refresh_s, 3),
                    "same_numbers": same,
                    "database": connection.vendor,
                }
            )
        )
        return 0 if same else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

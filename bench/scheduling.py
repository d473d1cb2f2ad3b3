"""Benchmark of the sync-course co-scheduler on a generated county, CP-SAT against the greedy baseline.

Why a generator instead of the demo county: the target in the issue is about a whole county (about
40 schools, 200 series) and the demo data is far smaller. Why plant a solution: "every feasible series
placed" is only measurable when we know every series *is* feasible, so the generator first chooses a
hidden valid timetable for all series, keeps those periods free and only then fills the ordinary
timetable around them. A placed share of 1.0 is then reachable by construction, and anything less is
the solver's shortfall, not the instance's.

Run from the repository root::

    .venv/bin/python bench/scheduling.py            # county: 40 schools, 200 series, 10 s limit
    .venv/bin/python bench/scheduling.py --quick    # 10 schools, 40 series, 5 s limit

The last line of output is one JSON object so that scripts can collect the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# scheduling/solver.py is pure Python (no Django), so importing it only needs the repository root on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sanke.timetable.scheduling.solver import (  # noqa: E402
    NOON,
    WEEKDAYS,
    Busy,
    PeriodSpec,
    Resource,
    Result,
    SeriesSpec,
    Weights,
    candidates_for,
    solve,
    solve_greedy,
)

LESSON_MINUTES = 40
CORE_SUBJECTS = ("Chinese", "Maths", "English")
# Shortage subjects of rural schools (English, music, art) dominate the programme's sync lessons.
SUBJECT_WEIGHTS = {
    "English": 25,
    "Maths": 15,
    "Chinese": 10,
    "Music": 15,
    "Art": 15,
    "Science": 10,
    "IT": 5,
    "Mental health": 5,
}
ORDINARY_SUBJECTS = ("Chinese", "Maths", "English", "Science", "PE", "Music", "Art", "Morality", "Reading")
MAX_SYNC_LESSONS_PER_TEACHER = 6  # on top of 12-16 ordinary periods: a plausible weekly load
MAX_SERIES_PER_TEACHER = 3
PLANT_ATTEMPTS = 300


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def make_grid(first: int, length: int, long_break: int, afternoon: int) -> tuple[PeriodSpec, ...]:
    """Four morning and two afternoon periods, 10-minute breaks, a longer break after the second period."""
    periods, start = [], first
    for number in range(1, 5):
        periods.append(PeriodSpec(number, start, start + length))
        start += length + (long_break if number == 2 else 10)
    start = afternoon
    for number in range(5, 7):
        periods.append(PeriodSpec(number, start, start + length))
        start += length + 10
    return tuple(periods)


@dataclass
class School:
    name: str
    kind: str  # "host", "rural" or "point" (teaching point)
    grid: tuple[PeriodSpec, ...]
    classes: list[Resource] = field(default_factory=list)
    grade_of: dict[str, int] = field(default_factory=dict)  # class key → grade
    teachers: list[Resource] = field(default_factory=list)
    subject_of: dict[str, str] = field(default_factory=dict)  # teacher key → subject
    studios: list[Resource] = field(default_factory=list)
    members: list[School] = field(default_factory=list)  # receiving schools of a host's alliance


@dataclass(frozen=True)
class Slot:
    """One planted (hidden) lesson: the same fields the scheduler's candidates carry."""

    weekday: int
    host_period: int
    start: int
    end: int


@dataclass
class Instance:
    schools: list[School]
    specs: list[SeriesSpec]
    planted: dict  # series key → list[Slot]
    grid_of: dict[str, tuple[PeriodSpec, ...]]  # resource key → the grid its busy periods refer to
    seconds: float = 0.0
    reshaped: int = 0  # series whose first shape could not be planted anywhere and was redrawn


def lesson_window(host_period: PeriodSpec, grids, minutes: int) -> tuple[int, int] | None:
    """Earliest lesson inside the host period and one period of every receiving grid, if any.

    Written separately from ``solver.candidates_for``: checking that every planted lesson is one of
    the scheduler's candidates is then a real cross-check of both.
    """
    start, end = host_period.start, host_period.end
    for grid in grids:
        fits = [p for p in grid if max(start, p.start) + minutes <= min(end, p.end)]
        if not fits:
            return None
        start, end = max(start, fits[0].start), min(end, fits[0].end)
    return start, start + minutes


class Generator:
    """A county with its bell times, alliances, classes, host teachers, studios and sync series."""

    def __init__(self, schools: int, series: int, seed: int):
        if schools < 2:
            raise SystemExit("need at least 2 schools (one host, one receiving)")
        self.rng = random.Random(seed)
        self.n_schools, self.n_series = schools, series
        self.hosts = max(1, round(schools / 5))
        self.grid_of: dict[str, tuple[PeriodSpec, ...]] = {}
        # planted usage: resource key → weekday → [(start, end)]; class key → weekdays with a sync lesson
        self.used: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
        self.sync_days: dict[str, set[int]] = defaultdict(set)
        self.sync_load: dict[str, int] = defaultdict(int)
        self.series_count: dict[str, int] = defaultdict(int)

    # --- schools -------------------------------------------------------------------------------------
    def host_grid(self):
        """Strong town schools: 40-minute periods from 8:00, a 20-30 minute mid-morning break."""
        rng = self.rng
        return make_grid(8 * 60, 40, rng.choice((20, 25, 30)), rng.choice((840, 850, 860, 870)))

    def rural_grid(self):
        """Rural schools and teaching points: own bell times, 40-45 minutes, starting 7:50-8:10."""
        rng = self.rng
        long_break = rng.choice((20, 25, 30)) if rng.random() < 0.6 else 10
        return make_grid(
            rng.choice((470, 475, 480, 485, 490)),
            rng.choice((40, 40, 45)),
            long_break,
            rng.choice((830, 840, 850, 860, 870)),
        )

    def build_schools(self) -> list[School]:
        rng = self.rng
        others = self.n_schools - self.hosts
        points = round(others * 0.4)
        schools = [School(f"H{i + 1}", "host", self.host_grid()) for i in range(self.hosts)]
        schools += [School(f"R{i + 1}", "rural", ()) for i in range(others - points)]
        schools += [School(f"P{i + 1}", "point", ()) for i in range(points)]
        hosts = [s for s in schools if s.kind == "host"]
        for school in schools[self.hosts :]:
            self.join_alliances(school, hosts)
        per_host = -(-self.n_series // self.hosts)
        for school in schools:
            if school.kind == "host":
                # enough studios for its share of the series' lessons (about two a week each)
                for n in range(max(2, -(-per_host * 2 // 16))):
                    self.add(
                        school.studios,
                        school,
                        f"room:{school.name}-S{n + 1}",
                        f"{school.name} studio {n + 1}",
                    )
                continue
            if school.kind == "rural":  # village school (one class a grade) or township centre school (2-3)
                grades = [g for g in range(1, 7) for _ in range(rng.choice((1, 2, 2, 3)))]
            else:  # a teaching point: a few small classes, lower grades only
                grades = rng.sample(range(1, 5), rng.choice((2, 3, 4)))
            for n, grade in enumerate(sorted(grades)):
                key = f"class:{school.name}-C{n + 1}"
                self.add(school.classes, school, key, f"{school.name} grade {grade} class {n + 1}")
                school.grade_of[key] = grade
        return schools

    def join_alliances(self, school: School, hosts: list[School]) -> None:
        """Give a receiving school bell times that share at least two periods with some host school.

        A school whose day shares no 40-minute window with any host could not take part in the
        programme at all, so such bell times are redrawn; the school joins the host it fits best and,
        half of the time, a second fitting host (alliances overlap in real counties).
        """
        for _attempt in range(1000):
            school.grid = self.rural_grid()
            fit = {
                host.name: sum(1 for p in host.grid if lesson_window(p, [school.grid], LESSON_MINUTES))
                for host in hosts
            }
            fitting = [h for h in hosts if fit[h.name] >= 2]
            if fitting:
                break
        else:
            raise SystemExit(f"no bell times of {school.name} fit a host school")
        self.rng.shuffle(fitting)
        fitting.sort(key=lambda h: (-fit[h.name], len(h.members)))
        fitting[0].members.append(school)
        if len(fitting) > 1 and self.rng.random() < 0.5:
            self.rng.choice(fitting[1:]).members.append(school)

    def add(self, bucket: list, school: School, key: str, label: str) -> Resource:
        periods = school.grid if key.startswith("class:") else ()
        resource = Resource(key, label, periods, {})
        self.grid_of[key] = school.grid
        bucket.append(resource)
        return resource

    # --- series and the hidden solution ---------------------------------------------------------------
    def free(self, key: str, weekday: int, start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in self.used[key][weekday])

    def shape(self) -> dict:
        """What a series is (subject, lessons a week, receiving classes), before who takes part."""
        rng = self.rng
        return {
            "subject": rng.choices(list(SUBJECT_WEIGHTS), weights=list(SUBJECT_WEIGHTS.values()))[0],
            "lessons": rng.choices((1, 2, 3), weights=(30, 45, 25))[0],
            "classes": rng.choices((1, 2, 3), weights=(50, 30, 20))[0],
        }

    def draft(self, host: School, shape: dict, number: int):
        """Random participants of one series; None when the alliance offers too few classes of a grade.

        Receiving classes share a grade and come from the host's alliance, so 1-3 classes come from
        1-3 schools as the random choice falls.
        """
        rng = self.rng
        subject, lessons = shape["subject"], shape["lessons"]
        grade = rng.randint(1, 6)
        pool = [c for s in host.members for c in s.classes if s.grade_of[c.key] == grade]
        if len(pool) < shape["classes"]:
            return None
        receivers = rng.sample(pool, shape["classes"])
        same = [
            t
            for t in host.teachers
            if host.subject_of[t.key] == subject
            and self.series_count[t.key] < MAX_SERIES_PER_TEACHER
            and self.sync_load[t.key] + lessons <= MAX_SYNC_LESSONS_PER_TEACHER
        ]
        if same and rng.random() < 0.6:
            teacher = rng.choice(same)
        else:
            n = len(host.teachers) + 1
            key = f"teacher:{host.name}-T{n}"
            teacher = Resource(key, f"{host.name} {subject} teacher {n}", (), {})
            host.subject_of[key] = subject  # committed to host.teachers only if the series is planted
        return {
            "subject": subject,
            "grade": grade,
            "lessons": lessons,
            "teacher": teacher,
            "receivers": receivers,
            "label": f"{host.name} · {subject} · grade {grade} · {teacher.label} · #{number}",
        }

    def plant(self, host: School, draft) -> tuple[Resource, list[Slot]] | None:
        """Distinct-day slots where everyone overlaps by a lesson and nobody is double-booked."""
        rng = self.rng
        windows = []
        for period in host.grid:
            window = lesson_window(period, [r.periods for r in draft["receivers"]], LESSON_MINUTES)
            if window:
                windows.append((period, window[0], window[1]))
        if not windows:
            return None
        studios = host.studios[:]
        rng.shuffle(studios)
        for studio in studios:
            keys = [draft["teacher"].key, studio.key] + [r.key for r in draft["receivers"]]
            days = list(WEEKDAYS)
            rng.shuffle(days)
            slots = []
            for weekday in days:
                if any(weekday in self.sync_days[r.key] for r in draft["receivers"]):
                    continue
                options = [w for w in windows if all(self.free(k, weekday, w[1], w[2]) for k in keys)]
                if options:
                    period, start, end = rng.choice(options)
                    slots.append(Slot(weekday, period.number, start, end))
                if len(slots) == draft["lessons"]:
                    return studio, sorted(slots, key=lambda s: s.weekday)
        return None

    def build(self) -> Instance:
        started = time.perf_counter()
        rng = self.rng
        schools = self.build_schools()
        hosts = [s for s in schools if s.kind == "host"]
        specs, planted = [], {}
        self.reshaped = 0
        for number in range(self.n_series):
            found = None
            # the same shape first, so that hard series (several schools) are not silently dropped;
            # then other shapes, so that a small county still gets the series it can hold
            for attempt in range(3 * PLANT_ATTEMPTS):
                if attempt == 0 or (attempt >= PLANT_ATTEMPTS and attempt % 10 == 0):
                    shape = self.shape()
                self.reshaped += attempt == PLANT_ATTEMPTS
                host = rng.choice(hosts)
                draft = self.draft(host, shape, number)
                found = draft and self.plant(host, draft)
                if found:
                    break
            if not found:
                raise SystemExit(
                    f"could not plant series {number}: the county is too dense for {self.n_series} series"
                )
            studio, slots = found
            teacher = draft["teacher"]
            if teacher not in host.teachers:
                host.teachers.append(teacher)
                self.grid_of[teacher.key] = host.grid
            self.series_count[teacher.key] += 1
            self.sync_load[teacher.key] += len(slots)
            for slot in slots:
                for key in [teacher.key, studio.key] + [r.key for r in draft["receivers"]]:
                    self.used[key][slot.weekday].append((slot.start, slot.end))
                for receiver in draft["receivers"]:
                    self.sync_days[receiver.key].add(slot.weekday)
            planted[number] = slots
            specs.append(
                SeriesSpec(
                    key=number,
                    label=draft["label"],
                    lessons_per_week=draft["lessons"],
                    minutes=LESSON_MINUTES,
                    host_periods=host.grid,
                    host=[teacher, studio],
                    receivers=list(draft["receivers"]),
                    core=draft["subject"] in CORE_SUBJECTS,
                )
            )
        self.fill_busy(schools)
        return Instance(schools, specs, planted, self.grid_of, time.perf_counter() - started, self.reshaped)

    # --- the ordinary timetable around the hidden solution --------------------------------------------
    def fill_busy(self, schools: list[School]) -> None:
        """Realistic load: 60-75 % of class periods, 12-16 periods per teacher, a few studio bookings."""
        rng = self.rng
        for school in schools:
            for resource in school.classes:
                self.occupy(resource, school.grid, lambda total: round(rng.uniform(0.60, 0.75) * total))
            for resource in school.teachers:
                self.occupy(resource, school.grid, lambda _total: rng.randint(12, 16))
            for resource in school.studios:  # recordings, open lessons, meetings
                self.occupy(resource, school.grid, lambda _total: rng.randint(2, 6))

    def occupy(self, resource: Resource, grid, how_many) -> None:
        """Mark periods busy, never one that overlaps a planted sync lesson of this resource."""
        periods = [(d, p) for d in WEEKDAYS for p in grid]
        open_ = [(d, p) for d, p in periods if self.free(resource.key, d, p.start, p.end)]
        target = min(len(open_), how_many(len(periods)))
        busy: dict[int, list[Busy]] = defaultdict(list)
        for weekday, period in sorted(self.rng.sample(open_, target), key=lambda x: (x[0], x[1].number)):
            busy[weekday].append(
                Busy(period.start, period.end, period.number, self.rng.choice(ORDINARY_SUBJECTS))
            )
        resource.busy = dict(busy)


# --- independent checking ---------------------------------------------------------------------------
def violations(instance: Instance, solution: dict) -> list[str]:
    """Every hard rule, checked without the scheduler's code: series key → slots with weekday/start/end.

    Used on the planted solution (must be empty: the instance is then known-feasible) and on both
    methods' answers (a non-empty list would be a scheduler bug).
    """
    problems = []
    spec_by_key = {s.key: s for s in instance.specs}
    booked: dict[tuple[str, int], list[tuple[int, int, object]]] = defaultdict(list)
    class_days: dict[tuple[str, int], list] = defaultdict(list)
    for key, slots in solution.items():
        spec = spec_by_key[key]
        if len(slots) != spec.lessons_per_week:
            problems.append(f"series {key}: {len(slots)} lessons, needs {spec.lessons_per_week}")
        if not spec.allow_same_day and len({s.weekday for s in slots}) != len(slots):
            problems.append(f"series {key}: two lessons on one day")
        for slot in slots:
            if slot.end - slot.start != spec.minutes:
                problems.append(f"series {key}: lesson of {slot.end - slot.start} minutes")
            host_period = next((p for p in spec.host_periods if p.number == slot.host_period), None)
            if host_period is None or not (host_period.start <= slot.start and slot.end <= host_period.end):
                problems.append(f"series {key}: outside host period {slot.host_period}")
            for receiver in spec.receivers:
                if not any(p.start <= slot.start and slot.end <= p.end for p in receiver.periods):
                    problems.append(f"series {key}: {receiver.label} has no period around {hhmm(slot.start)}")
                class_days[(receiver.key, slot.weekday)].append(key)
            for resource in [*spec.host, *spec.receivers]:
                for b in resource.busy.get(slot.weekday, ()):
                    if b.start < slot.end and slot.start < b.end:
                        problems.append(f"series {key}: {resource.label} busy ({b.label}) day {slot.weekday}")
                booked[(resource.key, slot.weekday)].append((slot.start, slot.end, key))
    for (resource, weekday), intervals in booked.items():
        intervals.sort()
        reach, holder = -1, None  # latest end so far, and whose lesson reaches it
        for start, end, key in intervals:
            if start < reach:
                problems.append(f"{resource} double-booked day {weekday}: series {holder} and {key}")
            if end > reach:
                reach, holder = end, key
    for (resource, weekday), keys in class_days.items():
        if len(keys) > 1:
            problems.append(f"{resource}: {len(keys)} sync lessons on day {weekday}")
    return problems


def soft_cost(instance: Instance, solution: dict, weights: Weights) -> int:
    """The scheduler's documented soft cost, recomputed here (no moving: busy periods stay busy)."""
    spec_by_key = {s.key: s for s in instance.specs}
    total = 0
    for key, slots in solution.items():
        spec = spec_by_key[key]
        if spec.core:
            total += weights.afternoon_core * sum(1 for s in slots if s.start >= NOON)
        days = sorted({s.weekday for s in slots})
        total += weights.consecutive_days * sum(1 for a, b in zip(days, days[1:], strict=False) if b == a + 1)
    return total


def solution_of(result: Result) -> dict:
    return {key: placement.slots for key, placement in result.placements.items()}


# --- the run ------------------------------------------------------------------------------------------
def describe(instance: Instance) -> list[str]:
    kinds = defaultdict(int)
    for school in instance.schools:
        kinds[school.kind] += 1
    classes = [c for s in instance.schools for c in s.classes]
    teachers = [t for s in instance.schools for t in s.teachers]
    studios = [r for s in instance.schools for r in s.studios]

    def load(resources):
        total = sum(len(instance.grid_of[r.key]) * len(WEEKDAYS) for r in resources)
        return sum(len(b) for r in resources for b in r.busy.values()) / total if total else 0.0

    receiving = {r.key for spec in instance.specs for r in spec.receivers}
    school_of = {c.key: s.name for s in instance.schools for c in s.classes}
    lessons = sum(s.lessons_per_week for s in instance.specs)
    ordinary = [sum(len(b) for b in t.busy.values()) for t in teachers]
    return [
        f"schools: {kinds['host']} host, {kinds['rural']} rural, {kinds['point']} teaching points; "
        f"{len(classes)} classes ({len(receiving)} receiving), {len(teachers)} host teachers, "
        f"{len(studios)} studios",
        f"series: {len(instance.specs)}, {lessons} lessons a week, "
        f"{sum(s.core for s in instance.specs)} core-subject, "
        f"{sum(len(s.receivers) > 1 for s in instance.specs)} with several receiving classes, "
        f"{sum(len({school_of[r.key] for r in s.receivers}) > 1 for s in instance.specs)} "
        f"with several receiving schools ({instance.reshaped} redrawn while planting)",
        f"ordinary load: classes {load(classes):.0%} of periods busy, host teachers "
        f"{min(ordinary, default=0)}-{max(ordinary, default=0)} periods a week, studios {load(studios):.0%}",
        f"generated and planted in {instance.seconds:.2f} s",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=None, help="schools in the county (default 40)")
    parser.add_argument("--series", type=int, default=None, help="sync-course series (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None, help="CP-SAT limit in seconds (default 10)")
    parser.add_argument("--quick", action="store_true", help="10 schools, 40 series, 5 s limit")
    args = parser.parse_args(argv)
    quick = (10, 40, 5.0) if args.quick else (40, 200, 10.0)
    schools = args.schools if args.schools is not None else quick[0]
    series = args.series if args.series is not None else quick[1]
    time_limit = args.time_limit if args.time_limit is not None else quick[2]
    weights = Weights()

    instance = Generator(schools, series, args.seed).build()
    planted_problems = violations(instance, instance.planted)
    assert not planted_problems, f"planted solution is invalid: {planted_problems[:5]}"
    for spec in instance.specs:  # and the scheduler must see every planted lesson as a candidate
        seen = {(c.weekday, c.host_period, c.start, c.end) for c in candidates_for(spec, weights, False)[0]}
        missing = [
            s for s in instance.planted[spec.key] if (s.weekday, s.host_period, s.start, s.end) not in seen
        ]
        assert not missing, f"series {spec.key}: planted lessons {missing} are not candidates"
    print(f"scheduling benchmark, seed {args.seed}, lesson {LESSON_MINUTES} min, 6 periods x 5 days")
    for line in describe(instance):
        print("  " + line)
    planted_cost = soft_cost(instance, instance.planted, weights)
    print(f"  hidden solution: valid, all {len(instance.specs)} series placed, soft cost {planted_cost}")

    greedy = solve_greedy(instance.specs, weights)
    cpsat = solve(instance.specs, weights, time_limit=time_limit, workers=2)

    rows = []
    for name, result in (("CP-SAT (2 workers)", cpsat), ("greedy baseline", greedy)):
        problems = violations(instance, solution_of(result))
        recomputed = soft_cost(instance, solution_of(result), weights)
        status = result.status + ("" if recomputed == result.cost else f" (cost recomputed {recomputed})")
        rows.append(
            (
                name,
                f"{len(result.placements)}/{len(instance.specs)}",
                f"{result.placed_share:.3f}",
                str(result.cost),
                f"{result.seconds:.2f}",
                "yes" if not problems else f"NO ({len(problems)})",
                status,
            )
        )
        for problem in problems[:5]:
            print(f"  {name} violation: {problem}")
    header = ("method", "placed", "share", "cost", "seconds", "valid", "status")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    ratio_placed = cpsat.placed_share / greedy.placed_share if greedy.placed_share else float("inf")
    ratio_seconds = cpsat.seconds / greedy.seconds if greedy.seconds else float("inf")
    print()
    print(f"CP-SAT / greedy: placed share x{ratio_placed:.3f}, seconds x{ratio_seconds:.0f}")
    met = cpsat.placed_share == 1.0 and cpsat.seconds < 10.0
    print(f"target (every feasible series placed in under 10 s on 2 cores): {'met' if met else 'NOT met'}")
    print(
        json.dumps(
            {
                "bench": "scheduling",
                "schools": schools,
                "series": series,
                "cpsat_placed_share": round(cpsat.placed_share, 4),
                "cpsat_seconds": round(cpsat.seconds, 3),
                "greedy_placed_share": round(greedy.placed_share, 4),
                "greedy_seconds": round(greedy.seconds, 3),
                "cpsat_cost": cpsat.cost,
                "greedy_cost": greedy.cost,
                "seed": args.seed,
                "ratio_placed": round(ratio_placed, 4),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

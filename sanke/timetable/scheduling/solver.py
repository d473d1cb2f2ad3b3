"""The co-scheduler: weekly slots for sync-course series across schools with different bell times.

Pure Python over small dataclasses (no Django), so the benchmark and the tests can build instances
directly; ``sanke.timetable.scheduling.instance`` builds them from the database.

Model (OR-Tools CP-SAT). A *candidate* is (series, weekday, host period) where the host period and one
period of every receiving class overlap by at least the lesson length on the clock. Hard: each placed
series gets exactly its lessons per week; the host teacher, the host classroom and every receiving
class are used by at most one lesson at any minute; at most one sync lesson per class per day (unless
the series allows more); busy periods (existing timetable entries) are forbidden unless moving
existing lessons is allowed, in which case they cost ``weights.move_existing`` each. Soft: lessons of
a series on consecutive days cost ``weights.consecutive_days``; a core subject after noon costs
``weights.afternoon_core``. The objective places as many series as possible first, then minimises
cost, so a county-wide run returns every series it can place and explains the rest.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

WEEKDAYS = (1, 2, 3, 4, 5)
NOON = 12 * 60


@dataclass(frozen=True)
class PeriodSpec:
    number: int
    start: int  # minutes after midnight, school-local
    end: int


@dataclass(frozen=True)
class Busy:
    start: int
    end: int
    period: int  # the resource's own period number
    label: str  # what occupies it (subject, or another sync series)
    sync: bool = False  # an accepted sync lesson (counts for "one sync lesson per class per day")


@dataclass
class Resource:
    """Something that can be in one place at a time: a teacher, a classroom, a class."""

    key: str
    label: str
    periods: tuple[PeriodSpec, ...] = ()  # the grid of the resource's school (for receiving classes)
    busy: dict[int, list[Busy]] = field(default_factory=dict)  # weekday → occupied intervals

    def clashes(self, weekday: int, start: int, end: int) -> list[Busy]:
        return [b for b in self.busy.get(weekday, ()) if b.start < end and start < b.end]


@dataclass
class SeriesSpec:
    key: int | str
    label: str
    lessons_per_week: int
    minutes: int
    host_periods: tuple[PeriodSpec, ...]
    host: list[Resource]  # host teacher and host classroom
    receivers: list[Resource]  # receiving classes
    core: bool = False
    allow_same_day: bool = False
    problems: list[dict] = field(default_factory=list)  # hard problems found while building (equipment…)


@dataclass(frozen=True)
class Weights:
    """Soft-constraint weights; shown and editable on the scheduling page."""

    move_existing: int = 10
    consecutive_days: int = 3
    afternoon_core: int = 2


@dataclass(frozen=True)
class Candidate:
    series: int | str
    weekday: int
    host_period: int
    start: int
    end: int
    receiver_periods: tuple[tuple[str, int], ...]  # (class resource key, its period number)
    moved: tuple[tuple[str, Busy], ...]  # occupied periods this candidate would displace
    cost: int


@dataclass
class Placement:
    series: int | str
    slots: list[Candidate]


@dataclass
class Result:
    placements: dict
    unplaced: dict  # series key → list of explanation items
    cost: int
    seconds: float
    status: str

    @property
    def placed_share(self) -> float:
        total = len(self.placements) + len(self.unplaced)
        return len(self.placements) / total if total else 1.0


def _receiver_period(receiver: Resource, start: int, end: int, minutes: int):
    """The receiver's period that holds [lesson start, +minutes] together with the host period, if any."""
    for period in receiver.periods:
        lesson_start = max(start, period.start)
        if lesson_start + minutes <= min(end, period.end):
            return period
    return None


def candidates_for(spec: SeriesSpec, weights: Weights, allow_moving: bool) -> tuple[list[Candidate], list]:
    """All clock-compatible slots of a series, and for each rejected one the reasons (for explanations)."""
    found, rejected = [], []
    if spec.problems:
        return found, rejected
    for weekday in WEEKDAYS:
        for host_period in spec.host_periods:
            reasons = []
            start, end = host_period.start, host_period.end
            chosen = []
            for receiver in spec.receivers:
                period = _receiver_period(receiver, start, end, spec.minutes)
                if period is None:
                    reasons.append({"resource": receiver.label, "reason": "no_overlap"})
                    continue
                chosen.append((receiver, period))
                start = max(start, period.start)
                end = min(end, period.end)
            if start + spec.minutes > min(end, host_period.end) and not reasons:
                reasons.append({"resource": spec.label, "reason": "too_short"})
            if reasons:
                rejected.append((weekday, host_period.number, reasons, ()))
                continue
            lesson_end = start + spec.minutes
            if not spec.allow_same_day:
                synced = [r for r, _p in chosen if any(b.sync for b in r.busy.get(weekday, ()))]
                if synced:
                    rejected.append(
                        (
                            weekday,
                            host_period.number,
                            [{"resource": r.label, "reason": "sync_same_day"} for r in synced],
                            (),
                        )
                    )
                    continue
            moved = []
            for resource in spec.host:
                moved += [(resource.key, b) for b in resource.clashes(weekday, start, lesson_end)]
            for receiver, _period in chosen:
                moved += [(receiver.key, b) for b in receiver.clashes(weekday, start, lesson_end)]
            labels = {r.key: r.label for r in [*spec.host, *spec.receivers]}
            if any(b.sync for _key, b in moved):  # an accepted sync lesson is never displaced
                allow_here = False
            else:
                allow_here = allow_moving
            if moved and not allow_here:
                rejected.append(
                    (
                        weekday,
                        host_period.number,
                        [
                            {"resource": labels[key], "reason": "busy", "period": b.period, "what": b.label}
                            for key, b in moved
                        ],
                        tuple(moved),
                    )
                )
                continue
            cost = weights.move_existing * len(moved)
            if spec.core and start >= NOON:
                cost += weights.afternoon_core
            found.append(
                Candidate(
                    spec.key,
                    weekday,
                    host_period.number,
                    start,
                    lesson_end,
                    tuple((r.key, p.number) for r, p in chosen),
                    tuple(moved),
                    cost,
                )
            )
    return found, rejected


def _resources_of(spec: SeriesSpec) -> list[Resource]:
    return [*spec.host, *spec.receivers]


def solve(
    specs: list[SeriesSpec],
    weights: Weights = Weights(),
    *,
    allow_moving: bool = False,
    time_limit: float = 10.0,
    workers: int = 2,
) -> Result:
    """Place as many series as possible with CP-SAT; explain the ones that cannot be placed."""
    started = time.perf_counter()
    greedy = solve_greedy(specs, weights, allow_moving=allow_moving)
    model = cp_model.CpModel()
    by_series: dict = {}
    variables: dict[Candidate, cp_model.IntVar] = {}
    placed = {}
    for spec in specs:
        candidates, _rejected = candidates_for(spec, weights, allow_moving)
        by_series[spec.key] = candidates
        placed[spec.key] = model.new_bool_var(f"placed_{spec.key}")
        for candidate in candidates:
            variables[candidate] = model.new_bool_var(
                f"x_{spec.key}_{candidate.weekday}_{candidate.host_period}"
            )
        model.add(sum(variables[c] for c in candidates) == spec.lessons_per_week * placed[spec.key])
        if not candidates:
            model.add(placed[spec.key] == 0)
    spec_by_key = {spec.key: spec for spec in specs}

    # one lesson at a time per resource: at each candidate start, at most one covering candidate
    usage: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    per_class_day: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for candidate, _var in variables.items():
        spec = spec_by_key[candidate.series]
        for resource in _resources_of(spec):
            usage[(resource.key, candidate.weekday)].append(candidate)
        if not spec.allow_same_day:
            for receiver in spec.receivers:
                per_class_day[(receiver.key, candidate.weekday)].append(candidate)
    for group in usage.values():
        for point in sorted({c.start for c in group}):
            covering = [variables[c] for c in group if c.start <= point < c.end]
            if len(covering) > 1:
                model.add_at_most_one(covering)
    for group in per_class_day.values():
        if len(group) > 1:
            model.add_at_most_one(variables[c] for c in group)

    costs = []
    for key, candidates in by_series.items():
        spec = spec_by_key[key]
        days = {}
        for weekday in WEEKDAYS:
            on_day = [variables[c] for c in candidates if c.weekday == weekday]
            if not on_day:
                continue
            day = model.new_bool_var(f"day_{key}_{weekday}")
            model.add_max_equality(day, on_day)
            days[weekday] = day
            if not spec.allow_same_day:
                model.add(sum(on_day) <= 1)
        if spec.lessons_per_week > 1 and weights.consecutive_days:
            for weekday in WEEKDAYS[:-1]:
                if weekday in days and weekday + 1 in days:
                    both = model.new_bool_var(f"adj_{key}_{weekday}")
                    model.add(both >= days[weekday] + days[weekday + 1] - 1)
                    costs.append(weights.consecutive_days * both)
        costs += [c.cost * variables[c] for c in candidates if c.cost]

    placement_weight = 1 + sum(c.cost for c in variables) + weights.consecutive_days * 5 * len(specs)
    model.maximize(placement_weight * sum(placed.values()) - sum(costs))
    # start from the greedy answer, so CP-SAT never returns less than the baseline
    for key, placement in greedy.placements.items():
        model.add_hint(placed[key], 1)
        for candidate in placement.slots:
            model.add_hint(variables[candidate], 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    result = Result({}, {}, 0, 0.0, solver.status_name(status))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # no solution within the time limit: keep the greedy one rather than nothing
        result.placements, result.status = greedy.placements, f"{result.status}+GREEDY"
        for spec in specs:
            if spec.key not in result.placements:
                result.unplaced[spec.key] = explain(spec, weights, allow_moving, competitors=specs)
        result.cost = greedy.cost
    else:
        for spec in specs:
            if solver.value(placed[spec.key]):
                chosen = [c for c in by_series[spec.key] if solver.value(variables[c])]
                result.placements[spec.key] = Placement(
                    spec.key, sorted(chosen, key=lambda c: (c.weekday, c.start))
                )
            else:
                result.unplaced[spec.key] = explain(spec, weights, allow_moving, competitors=specs)
        result.cost = _cost_of(result, weights, spec_by_key)
    result.seconds = time.perf_counter() - started
    return result


def _cost_of(result: Result, weights: Weights, spec_by_key) -> int:
    """Soft-constraint cost of a solution (the same measure for CP-SAT and the greedy baseline)."""
    total = 0
    for placement in result.placements.values():
        total += sum(c.cost for c in placement.slots)
        days = sorted({c.weekday for c in placement.slots})
        total += weights.consecutive_days * sum(1 for a, b in zip(days, days[1:], strict=False) if b == a + 1)
    return total


def explain(spec: SeriesSpec, weights: Weights, allow_moving: bool, competitors=()) -> list[dict]:
    """Why a series cannot be placed, and the smallest change that would make it feasible.

    Items are plain dicts (rendered in the user's language by the page): ``problem`` (equipment and
    the like), ``day`` (what blocks each weekday), ``capacity`` (slots found vs needed), ``suggestion``
    (periods to free), ``competition`` (other series wanting the same teacher, room or class).
    """
    if spec.problems:
        return list(spec.problems)
    candidates, rejected = candidates_for(spec, weights, allow_moving)
    items: list[dict] = []
    days_with_slot = {c.weekday for c in candidates}
    for weekday in WEEKDAYS:
        if weekday in days_with_slot:
            continue
        blockers: dict[tuple[str, str], set] = defaultdict(set)
        for day, _period, reasons, _moved in rejected:
            if day != weekday:
                continue
            for reason in reasons:
                blockers[(reason["resource"], reason["reason"])].add(
                    (reason.get("period"), reason.get("what", ""))
                )
        items.append(
            {
                "type": "day",
                "weekday": weekday,
                "blockers": [
                    {
                        "resource": resource,
                        "reason": reason,
                        "periods": sorted({p for p, _w in found if p is not None}),
                    }
                    for (resource, reason), found in sorted(blockers.items())
                ],
            }
        )
    needed = spec.lessons_per_week
    usable_days = len(days_with_slot) if not spec.allow_same_day else len(candidates)
    if usable_days < needed:
        items.append({"type": "capacity", "needed": needed, "available": usable_days})
        # smallest change: free the fewest busy periods on days that have no slot yet
        options = []
        for day, period, reasons, moved in rejected:
            if day in days_with_slot or not moved or any(r["reason"] != "busy" for r in reasons):
                continue
            options.append((len(reasons), day, period, reasons))
        options.sort(key=lambda o: (o[0], o[1], o[2]))
        chosen_days, changes = set(), []
        for _count, day, period, reasons in options:
            if len(chosen_days) >= needed - usable_days:
                break
            if day in chosen_days:
                continue
            chosen_days.add(day)
            changes += [
                {
                    "resource": r["resource"],
                    "weekday": day,
                    "period": r["period"],
                    "what": r["what"],
                    "host_period": period,
                }
                for r in reasons
            ]
        if changes:
            items.append({"type": "suggestion", "changes": changes})
    elif competitors:
        mine = {r.key for r in _resources_of(spec)}
        rivals = sorted(
            other.label
            for other in competitors
            if other.key != spec.key and mine & {r.key for r in _resources_of(other)}
        )
        items.append({"type": "competition", "with": rivals})
    return items


def solve_greedy(
    specs: list[SeriesSpec], weights: Weights = Weights(), *, allow_moving: bool = False
) -> Result:
    """Baseline for the benchmark: most-constrained series first, cheapest compatible slots first."""
    started = time.perf_counter()
    result = Result({}, {}, 0, 0.0, "GREEDY")
    taken: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    class_days: set[tuple[str, int]] = set()
    pool = [(spec, candidates_for(spec, weights, allow_moving)[0]) for spec in specs]
    pool.sort(key=lambda item: len(item[1]))
    for spec, candidates in pool:
        chosen: list[Candidate] = []
        days: set[int] = set()
        for candidate in sorted(candidates, key=lambda c: (c.cost, c.weekday, c.start)):
            if len(chosen) == spec.lessons_per_week:
                break
            if candidate.weekday in days and not spec.allow_same_day:
                continue
            keys = [r.key for r in _resources_of(spec)]
            if any(
                s < candidate.end and candidate.start < e
                for k in keys
                for s, e in taken[(k, candidate.weekday)]
            ):
                continue
            if not spec.allow_same_day and any(
                (r.key, candidate.weekday) in class_days for r in spec.receivers
            ):
                continue
            chosen.append(candidate)
            days.add(candidate.weekday)
        if len(chosen) == spec.lessons_per_week:
            for candidate in chosen:
                for resource in _resources_of(spec):
                    taken[(resource.key, candidate.weekday)].append((candidate.start, candidate.end))
                if not spec.allow_same_day:
                    class_days.update((r.key, candidate.weekday) for r in spec.receivers)
            result.placements[spec.key] = Placement(spec.key, chosen)
        else:
            result.unplaced[spec.key] = []
    result.cost = _cost_of(result, weights, {s.key: s for s in specs})
    result.seconds = time.perf_counter() - started
    return result

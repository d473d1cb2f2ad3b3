"""The co-scheduler on hand-built instances: clock overlap across bell times, hard rules, explanations."""

from __future__ import annotations

import pytest

from sanke.timetable.scheduling.solver import (
    Busy,
    PeriodSpec,
    Resource,
    SeriesSpec,
    Weights,
    solve,
    solve_greedy,
)


def grid(*starts: str, length: int = 40) -> tuple[PeriodSpec, ...]:
    periods = []
    for number, text in enumerate(starts, start=1):
        minute = int(text[:2]) * 60 + int(text[3:])
        periods.append(PeriodSpec(number, minute, minute + length))
    return tuple(periods)


HOST = grid("08:00", "08:50", "09:50", "10:40", "14:00", "14:50")
POINT = grid("07:55", "08:50", "09:45", "10:40", "13:50", "14:45", length=45)


def busy(periods, numbers, weekdays=(1, 2, 3, 4, 5), what="语文"):
    return {
        d: [Busy(p.start, p.end, p.number, what) for p in periods if p.number in numbers] for d in weekdays
    }


def series(key, receivers, per_week=1, host=HOST, teacher="t1", room="r1", **extra):
    return SeriesSpec(
        key,
        f"series {key}",
        per_week,
        40,
        host,
        [Resource(teacher, f"teacher {teacher}"), Resource(room, f"room {room}")],
        receivers,
        **extra,
    )


def test_a_slot_needs_forty_shared_minutes_on_the_clock():
    # the point's period 5 (13:50–14:35) shares only 35 minutes with the host's 14:00–14:40
    point = Resource("c1", "龙井 三(1)", POINT, busy(POINT, {1, 2, 3, 4, 6}))
    result = solve([series(1, [point], per_week=1)])
    items = result.unplaced[1]
    assert {"type": "capacity", "needed": 1, "available": 0} in items
    monday = next(i for i in items if i["type"] == "day" and i["weekday"] == 1)
    assert {"resource": "龙井 三(1)", "reason": "no_overlap", "periods": []} in monday["blockers"]
    # the free period 5 is no use; the smallest change frees one of the busy periods that do overlap
    suggestion = next(i for i in items if i["type"] == "suggestion")
    assert suggestion["changes"][0]["period"] != 5


def test_the_lesson_starts_when_the_last_school_has_started():
    point = Resource("c1", "下姜 四(1)", POINT, busy(POINT, {1, 2, 4, 5, 6}))
    result = solve([series(1, [point], per_week=2)])
    slots = result.placements[1].slots
    assert {s.host_period for s in slots} == {3}
    # host period 3 is 09:50–10:30, the point's period 3 is 09:45–10:30: the lesson is 09:50–10:30
    assert {(s.start, s.end) for s in slots} == {(9 * 60 + 50, 10 * 60 + 30)}
    assert {s.receiver_periods for s in slots} == {(("c1", 3),)}
    assert len({s.weekday for s in slots}) == 2  # one lesson a day


def test_a_teacher_and_a_class_are_never_double_booked():
    c1 = Resource("c1", "A", HOST, busy(HOST, {1, 2, 3, 4}))
    c2 = Resource("c2", "B", HOST, busy(HOST, {1, 2, 3, 4}))
    # same teacher and room, two classes, only periods 5–6 free: 10 slots for 8 lessons
    result = solve([series(1, [c1], per_week=4), series(2, [c2], per_week=4)])
    assert not result.unplaced
    used = [(s.weekday, s.start) for p in result.placements.values() for s in p.slots]
    assert len(used) == len(set(used)) == 8


def test_at_most_one_sync_lesson_per_class_per_day_unless_allowed():
    c1 = Resource("c1", "A", HOST, busy(HOST, {1, 2, 3, 4, 5, 6}, weekdays=(1, 2, 3, 4)))  # only Friday free
    tight = solve([series(1, [c1], per_week=2)])
    assert 1 in tight.unplaced
    relaxed = solve([series(1, [c1], per_week=2, allow_same_day=True)])
    assert {s.weekday for s in relaxed.placements[1].slots} == {5}


def test_equipment_problems_are_reported_without_solving():
    spec = series(1, [Resource("c1", "A", HOST)])
    spec.problems.append({"type": "problem", "code": "host_equipment", "resource": "录播教室"})
    result = solve([spec])
    assert result.unplaced[1] == [{"type": "problem", "code": "host_equipment", "resource": "录播教室"}]


def test_infeasible_series_get_the_smallest_change_that_would_help():
    # given a class free only on Tuesday and Thursday (period 3), and a series that needs three lessons
    point = Resource(
        "c1",
        "下姜教学点 四年级(1)班",
        POINT,
        {
            **busy(POINT, {1, 2, 3, 4, 5, 6}, weekdays=(1, 3, 5), what="数学"),
            **busy(POINT, {1, 2, 4, 5, 6}, weekdays=(2, 4)),
        },
    )
    result = solve([series(1, [point], per_week=3)])
    items = {item["type"]: item for item in result.unplaced[1]}
    assert items["capacity"] == {"type": "capacity", "needed": 3, "available": 2}
    monday = next(i for i in result.unplaced[1] if i["type"] == "day" and i["weekday"] == 1)
    assert monday["blockers"][0]["resource"] == "下姜教学点 四年级(1)班"
    change = items["suggestion"]["changes"][0]
    assert change["resource"] == "下姜教学点 四年级(1)班" and change["weekday"] in (1, 3, 5)
    assert change["what"] == "数学"


def test_moving_existing_lessons_is_allowed_only_when_asked_and_costs():
    point = Resource("c1", "A", HOST, busy(HOST, {1, 2, 3, 4, 5, 6}, what="数学"))
    assert 1 in solve([series(1, [point])]).unplaced
    moved = solve([series(1, [point])], Weights(move_existing=7), allow_moving=True)
    assert moved.cost == 7 and moved.placements[1].slots[0].moved


def test_core_subjects_prefer_mornings_and_lessons_spread_over_the_week():
    point = Resource("c1", "A", HOST)
    result = solve([series(1, [point], per_week=2, core=True)], Weights(afternoon_core=5, consecutive_days=3))
    slots = result.placements[1].slots
    assert all(s.start < 12 * 60 for s in slots)
    days = sorted(s.weekday for s in slots)
    assert days[1] - days[0] > 1
    assert result.cost == 0


def test_a_whole_county_is_scheduled_at_once_and_beats_greedy_on_a_tricky_case():
    # greedy takes the cheapest slot for the first series and blocks the second; CP-SAT places both
    c1 = Resource("c1", "A", HOST, busy(HOST, {2, 3, 4, 5, 6}))
    c2 = Resource("c2", "B", HOST, busy(HOST, {2, 3, 4, 5, 6}, weekdays=(1, 2, 3, 4)))
    specs = [series(1, [c1], per_week=4), series(2, [c2], per_week=1)]
    exact = solve(specs)
    assert exact.placed_share == 1.0
    assert solve_greedy(specs).placed_share <= exact.placed_share


@pytest.mark.parametrize("per_week", [1, 2, 3])
def test_placements_respect_lessons_per_week(per_week):
    result = solve([series(1, [Resource("c1", "A", POINT)], per_week=per_week)])
    assert len(result.placements[1].slots) == per_week


def test_an_accepted_sync_lesson_counts_for_the_one_per_day_rule():
    # Monday period 1 holds an accepted sync lesson; Tuesday–Friday are full of ordinary lessons
    periods = grid("08:00", "08:50")
    days = {1: [Busy(480, 520, 1, "sync English", sync=True)]}
    days.update({d: [Busy(p.start, p.end, p.number, "语文") for p in periods] for d in (2, 3, 4, 5)})
    result = solve([series(1, [Resource("c1", "A", periods, days)], host=periods)])
    assert 1 in result.unplaced
    monday = next(i for i in result.unplaced[1] if i["type"] == "day" and i["weekday"] == 1)
    assert {"resource": "A", "reason": "sync_same_day", "periods": []} in monday["blockers"]


def test_without_time_for_a_proof_the_greedy_answer_is_kept():
    specs = [
        series(k, [Resource(f"c{k}", f"C{k}", POINT)], per_week=2, teacher=f"t{k}", room=f"r{k}")
        for k in range(30)
    ]
    result = solve(specs, time_limit=0.0)
    assert result.placed_share >= solve_greedy(specs).placed_share


def test_an_accepted_sync_lesson_is_never_displaced_even_when_moving_is_allowed():
    periods = grid("08:00")
    days = {d: [Busy(480, 520, 1, "sync English", sync=True)] for d in (1, 2, 3, 4, 5)}
    spec = series(1, [Resource("c1", "A", periods)], host=periods)
    spec.host[0].busy = days  # the host teacher teaches another accepted series at that time
    assert 1 in solve([spec], allow_moving=True).unplaced

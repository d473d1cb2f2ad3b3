"""Every indicator on the hand-built fortnight (conftest.py), against answers worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management import call_command

from sanke.policy.actions import do_set_policy
from sanke.policy.selectors import policy_of
from sanke.supervision.actions import do_fold_lessons, do_rebuild_all_indicators
from sanke.supervision.choices import Dimension, Outcome
from sanke.supervision.models import IndicatorDay, LessonFact
from sanke.supervision.selectors import (
    end_frequencies,
    figures,
    placement_of_region,
    placement_of_school,
    teacher_quota,
    weekly_trend,
)
from sanke.timetable.actions import do_cancel_lesson

WEEK_16, WEEK_23 = dt.date(2026, 11, 16), dt.date(2026, 11, 23)
TERM = (dt.date(2026, 9, 1), dt.date(2027, 1, 22))


def week(monday):
    return monday, monday + dt.timedelta(days=6)


def test_delivery_rate_counts_held_over_due_lessons_and_keeps_cancelled_and_missed_apart(world, fortnight):
    county = placement_of_region(world.regions["330127"])
    # given the week of 11-23: the moved lesson and Tuesday's held, Thursday's cancelled
    fig = figures(county, *week(WEEK_23))
    # then
    assert (fig.lessons, fig.held, fig.cancelled, fig.missed, fig.moved) == (3, 2, 1, 0, 1)
    assert fig.delivery_rate == 66.7
    # the week before only had the missed Tuesday (the Thursday moved out of it)
    before = figures(county, *week(WEEK_16))
    assert (before.lessons, before.held, before.missed, before.delivery_rate) == (1, 0, 1, 0.0)
    # the whole term: 2 of 4 due lessons held
    assert figures(county, *TERM).delivery_rate == 50.0


def test_a_lesson_moved_across_a_week_boundary_counts_in_the_week_it_was_held(world, fortnight):
    fact = LessonFact.objects.filter(lesson=fortnight.moved).first()
    assert (fact.day, fact.week, fact.moved, fact.outcome) == (WEEK_23, WEEK_23, True, Outcome.HELD)
    county = placement_of_region(world.regions["330127"])
    trend = dict(weekly_trend(county, *TERM))
    assert sorted(trend) == [WEEK_16, WEEK_23]
    assert trend[WEEK_23].held == 2 and trend[WEEK_16].held == 0


def test_a_cancelled_lesson_keeps_its_reason_and_is_not_held(world, fortnight):
    facts = LessonFact.objects.filter(lesson=fortnight.cancelled)
    assert {(f.outcome, f.reason) for f in facts} == {(Outcome.CANCELLED, "教师外出培训")}
    assert not any(f.reached or f.interacted for f in facts)


def test_reach_counts_classes_connected_80_percent_that_interacted_and_their_head_count(world, fortnight):
    county = placement_of_region(world.regions["330127"])
    fig = figures(county, *week(WEEK_23))
    # 2 held lessons × 2 receiving classes; 下姜 was connected for 50 % of the moved lesson (not reached)
    assert (fig.receptions, fig.reached, fig.interacted) == (4, 3, 1)
    assert fig.watched_only == 3
    # 3 present of 龙井's 4 students, in the one lesson with a roll call
    assert (fig.heads, fig.roster, fig.attendance_rate) == (3, 4, 75.0)
    longjing = LessonFact.objects.get(lesson=fortnight.held, class_group=world.classes["longjing-3"])
    xiajiang = LessonFact.objects.get(lesson=fortnight.held, class_group=world.classes["xiajiang-4"])
    assert (longjing.connected_share, longjing.reached, longjing.interacted, longjing.head_count) == (
        1.0,
        True,
        True,
        3,
    )
    assert (xiajiang.connected_share, xiajiang.reached, xiajiang.interacted) == (0.85, True, False)


def test_frequency_per_end_against_the_weekly_target_of_the_region(world, fortnight):
    county = placement_of_region(world.regions["330127"])
    target = 6  # 淳安县 overrides the national 5
    ends, average = end_frequencies(county, WEEK_23, target, TERM)
    assert sorted((e.kind, e.held) for e in ends) == [("host", 2), ("receiver", 2), ("receiver", 2)]
    assert average == 2.0 and all(e.below for e in ends)
    ends, average = end_frequencies(county, WEEK_16, target, TERM)
    assert average == 0.0  # the missed Tuesday: every end active in the term held nothing that week


def test_policy_inheritance_and_a_region_overriding_a_target(world, fortnight):
    from sanke.policy.selectors import effective_policy

    chunan, jiande = world.regions["330127"], world.regions["330182"]
    # 淳安县 sets 6 a week; 建德市 inherits the national 5; both inherit 1.5 from 浙江省
    assert effective_policy(chunan).weekly_sync_lessons_per_end == 6
    assert effective_policy(jiande).weekly_sync_lessons_per_end == 5
    # 王芳 is a county-level master teacher: the national quota of 5 a term; 2 online lessons held
    teacher = world.people["teacher"]
    quota = teacher_quota(teacher, *TERM)
    assert (quota.held, quota.quota, quota.coefficient, quota.workload, quota.quota_met) == (
        2,
        5,
        Decimal("1.5"),
        Decimal("3.0"),
        False,
    )
    # 淳安县 raises the county-level quota to 8 and counts an online lesson as 2 offline
    policy = policy_of(chunan)
    policy.online_lessons_county_level = 8
    policy.workload_coefficient = Decimal("2")
    do_set_policy(policy, acting_user=world.users["county_admin"])
    quota = teacher_quota(teacher, *TERM)
    assert (quota.quota, quota.workload) == (8, Decimal("4.0"))


def test_teacher_quota_depends_on_the_honour_level(world, fortnight):
    from sanke.org.actions import do_save_person

    teacher = world.people["teacher"]
    teacher.honour_level = "city"
    do_save_person(teacher, acting_user=None)
    assert teacher_quota(teacher, *TERM).quota == 10
    teacher.honour_level = ""
    do_save_person(teacher, acting_user=None)
    assert teacher_quota(teacher, *TERM).quota is None


def test_a_school_counts_hosted_and_received_lessons(world, fortnight):
    host = placement_of_school(world.schools["host"])
    assert (figures(host, *week(WEEK_23)).lessons, figures(host, *week(WEEK_23)).receptions) == (3, 0)
    longjing = placement_of_school(world.classrooms["longjing"].school)
    fig = figures(longjing, *week(WEEK_23))
    assert (fig.lessons, fig.held, fig.receptions, fig.reached, fig.heads) == (3, 2, 2, 2, 3)


def test_folding_again_and_rebuilding_give_the_same_rows(world, fortnight):
    def rows():
        return sorted(
            IndicatorDay.objects.values_list("dimension", "key", "day", "lessons", "held", "reached", "heads")
        )

    folded = rows()
    assert {r[0] for r in folded} == set(Dimension.values)
    do_fold_lessons(fortnight.ids)
    assert rows() == folded
    do_rebuild_all_indicators()
    assert rows() == folded
    call_command("rebuild_indicators", verbosity=0)
    assert rows() == folded


def test_a_lesson_change_is_folded_once_its_transaction_commits(world, django_capture_on_commit_callbacks):
    from sanke.supervision.tests.conftest import english

    lesson = english("2026-12-01")
    # when a school admin cancels it (timetable's action, which knows nothing of supervision)
    with django_capture_on_commit_callbacks(execute=True):
        do_cancel_lesson(lesson, "停电", acting_user=world.users["school_admin"])
    # then its facts and the county's day are there
    assert LessonFact.objects.filter(lesson=lesson, outcome=Outcome.CANCELLED).count() == 2
    day = IndicatorDay.objects.get(dimension=Dimension.REGION, key="330127", day=lesson.date)
    assert (day.lessons, day.cancelled) == (1, 1)


def test_a_live_lesson_that_ends_is_folded_through_lives_own_actions(
    world, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from sanke.live.actions import do_end_lesson, do_record_event, do_start_lesson
    from sanke.supervision.tests.conftest import english
    from sanke.timetable.models import Lesson

    lesson = english("2026-11-24")
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=39)
    )
    lesson.refresh_from_db()
    teacher = world.users["teacher"]
    with django_capture_on_commit_callbacks(execute=True):
        do_start_lesson(lesson, acting_user=teacher)
    # while it is live it already counts as held
    assert set(LessonFact.objects.filter(lesson=lesson).values_list("outcome", flat=True)) == {Outcome.HELD}
    do_record_event(
        lesson,
        "hand.raised",
        {"classroom": world.classrooms["longjing"].pk},
        acting_user=world.users["terminal_longjing"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        do_end_lesson(lesson, acting_user=teacher)
    longjing = LessonFact.objects.get(lesson=lesson, class_group=world.classes["longjing-3"])
    assert (longjing.outcome, longjing.interacted, longjing.reached) == (Outcome.HELD, True, False)
    day = IndicatorDay.objects.get(
        dimension=Dimension.TEACHER, key=str(world.people["teacher"].pk), day=lesson.date
    )
    assert (day.lessons, day.held, day.interacted) == (1, 1, 1)

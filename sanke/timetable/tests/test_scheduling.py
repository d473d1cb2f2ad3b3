"""Scheduling series from the database: proposals, acceptance, term lessons, explanations, pages, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from sanke.core.models import AuditEvent
from sanke.notifications.models import Notification
from sanke.testing.factories import place_series
from sanke.timetable.actions import do_accept_proposals, do_save_entry, do_save_series, do_schedule_series
from sanke.timetable.choices import SeriesStatus
from sanke.timetable.models import Lesson, Period, SeriesSlot, SyncSeries, TimetableEntry
from sanke.timetable.scheduling.explanations import explanation_lines
from sanke.timetable.scheduling.solver import Weights

pytestmark = pytest.mark.django_db


def english(world):
    return SyncSeries.objects.get(subject="英语")


def music(world):
    return SyncSeries.objects.get(subject="音乐")


def test_the_demo_english_series_meets_every_bell_schedule(world):
    series = english(world)
    assert series.status == SeriesStatus.ACCEPTED
    slots = list(series.slots.order_by("weekday"))
    assert [(s.weekday, s.host_period.number, s.clock) for s in slots] == [
        (2, 3, "09:50–10:30"),
        (4, 3, "09:50–10:30"),
    ]
    # each receiving class sees it in its own period: 龙井 09:50–10:30, 下姜 09:45–10:30 (both period 3)
    longjing, xiajiang = world.classes["longjing-3"], world.classes["xiajiang-4"]
    assert slots[0].receiver_periods == {str(longjing.pk): 3, str(xiajiang.pk): 3}
    xiajiang_p3 = Period.objects.get(school=xiajiang.school, number=3)
    assert (xiajiang_p3.start, xiajiang_p3.end) == (dt.time(9, 45), dt.time(10, 30))


def test_term_lessons_skip_holidays(world):
    lessons = Lesson.objects.filter(series=english(world))
    assert lessons.count() == 40
    assert not lessons.filter(date__range=(dt.date(2026, 10, 1), dt.date(2026, 10, 7))).exists()
    assert set(lessons.values_list("date__week_day", flat=True)) == {3, 5}  # Django: Sunday=1 → Tue=3, Thu=5
    first = lessons.order_by("starts_at").first()
    assert first.date == dt.date(2026, 9, 1)
    assert first.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8))).time() == dt.time(9, 50)


def test_make_up_days_follow_the_named_weekday(world, county_admin):
    # given the music series proposed on Wednesday (the make-up Saturday 2026-10-10 follows Wednesday)
    series = music(world)
    period = Period.objects.get(school=series.host_classroom.school, number=6)
    SeriesSlot.objects.create(
        series=series,
        weekday=3,
        host_period=period,
        start_minute=14 * 60 + 50,
        end_minute=15 * 60 + 30,
        receiver_periods={},
    )
    series.status = SeriesStatus.PROPOSED
    series.save()
    # when it is accepted
    do_accept_proposals([series], acting_user=county_admin)
    dates = set(series.lessons.values_list("date", flat=True))
    # then the make-up Saturday has the lesson and the holiday Wednesday does not
    assert dt.date(2026, 10, 10) in dates
    assert dt.date(2026, 10, 7) not in dates
    assert Notification.objects.filter(school=world.schools["central"], message__contains="音乐").exists()


def test_a_series_with_too_few_common_free_periods_is_explained(world, county_admin):
    # given 下姜 四(1)班 busy in the afternoons too: free only Tuesday and Thursday period 3
    xiajiang = world.classes["xiajiang-4"]
    periods = {p.number: p for p in Period.objects.filter(school=xiajiang.school)}
    for weekday in range(1, 6):
        for number in (5, 6):
            do_save_entry(
                TimetableEntry(class_group=xiajiang, weekday=weekday, period=periods[number], subject="劳动"),
                acting_user=county_admin,
            )
    alliance = english(world).alliance
    series = do_save_series(
        SyncSeries(
            alliance=alliance,
            subject="美术",
            host_teacher=world.people["art"],
            host_classroom=world.classrooms["host-studio"],
            lessons_per_week=3,
        ),
        [xiajiang],
        acting_user=county_admin,
    )
    # when it is scheduled
    result = do_schedule_series([series], weights=Weights(), allow_moving=False, acting_user=county_admin)
    # then it is not placed, and the coordinator reads why and what to change
    series.refresh_from_db()
    assert series.status == SeriesStatus.UNPLACED and series.pk in result.unplaced
    with translation.override("zh-hans"):
        text = " ".join(explanation_lines(series.explanation))
    assert "下姜教学点 四年级(1)班" in text
    assert "星期一" in text or "星期三" in text or "星期五" in text
    assert "3" in text  # the period to free
    # the English lessons already there count as busy: Tue/Thu period 3 are taken by them
    assert not SeriesSlot.objects.filter(series=series).exists()


def test_missing_equipment_is_explained(world, county_admin):
    series = music(world)
    room = series.host_classroom
    room.host_capable = False
    room.save()
    do_schedule_series([series], weights=Weights(), allow_moving=False, acting_user=county_admin)
    series.refresh_from_db()
    assert series.status == SeriesStatus.UNPLACED
    assert series.explanation[0]["code"] == "host_equipment"


def test_coordinator_schedules_and_accepts_on_the_alliance_page(
    world, school_admin, client_for, jobs_run_inline
):
    client = client_for(school_admin)  # the coordinator of the English alliance
    series = music(world)
    alliance = series.alliance
    response = client.post(
        reverse("alliances:schedule", args=[alliance.pk]),
        {"move_existing": 10, "consecutive_days": 3, "afternoon_core": 2},
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.status == SeriesStatus.PROPOSED
    page = client.get(reverse("alliances:detail", args=[alliance.pk])).content.decode()
    assert 'data-testid="accept"' in page
    client.post(reverse("alliances:accept", args=[alliance.pk]))
    series.refresh_from_db()
    assert series.status == SeriesStatus.ACCEPTED and series.lessons.count() > 10
    assert AuditEvent.objects.filter(action="timetable.series.accepted", target_id=str(series.pk)).exists()


def test_weights_out_of_range_are_refused(world, school_admin, client_for):
    client = client_for(school_admin)
    alliance = music(world).alliance
    client.post(
        reverse("alliances:schedule", args=[alliance.pk]),
        {"move_existing": -1, "consecutive_days": 3, "afternoon_core": 2},
    )
    assert music(world).status == SeriesStatus.DRAFT


def test_only_the_alliance_managers_schedule(world, client_for):
    alliance = music(world).alliance
    for username, expected in (("teacher", 403), ("outsider_admin", 404), ("inspector", 403)):
        response = client_for(world.users[username]).post(
            reverse("alliances:schedule", args=[alliance.pk]),
            {"move_existing": 10, "consecutive_days": 3, "afternoon_core": 2},
        )
        assert response.status_code == expected, username
    assert music(world).status == SeriesStatus.DRAFT


def test_the_county_schedules_every_series_at_once(world, county_admin, client_for, jobs_run_inline):
    # given a second pending series in the other alliance
    central_alliance = world.schools["central"].hosted_alliances.get()
    do_save_series(
        SyncSeries(
            alliance=central_alliance,
            subject="音乐",
            host_teacher=world.people["central-music"],
            host_classroom=world.classrooms["central-studio"],
            lessons_per_week=2,
        ),
        [world.classes["longjing-3"], world.classes["xiajiang-4"]],
        acting_user=county_admin,
    )
    client = client_for(county_admin)
    url = reverse("alliances:region_schedule", args=[world.regions["330127"].pk])
    client.post(url, {"action": "schedule", "move_existing": 10, "consecutive_days": 3, "afternoon_core": 2})
    assert set(SyncSeries.objects.exclude(status=SeriesStatus.ACCEPTED).values_list("status", flat=True)) == {
        SeriesStatus.PROPOSED
    }
    client.post(url, {"action": "accept"})
    assert not SyncSeries.objects.exclude(status=SeriesStatus.ACCEPTED).exists()
    # nobody is double-booked: 龙井 三(1) has the English and the new music lessons at different times
    longjing = world.classes["longjing-3"]
    times = list(
        Lesson.objects.filter(series__receiving_classes=longjing).values_list("starts_at", flat=True)
    )
    assert len(times) == len(set(times))


@pytest.mark.clock("2026-11-25 12:00")  # a Wednesday mid-term: the lessons from today on are replaced
def test_scheduling_a_series_again_mid_term_does_not_duplicate_lessons(world, county_admin):
    series = english(world)
    before = series.lessons.count()
    place_series(series, series.receiving_classes.all(), acting_user=county_admin)  # back to draft, again
    dates = list(series.lessons.filter(status="scheduled").values_list("date", flat=True))
    assert len(dates) == len(set(dates))
    assert series.lessons.count() <= before


def test_a_proposal_overtaken_by_another_acceptance_is_refused(world, county_admin):
    # given two new series proposed the same free time for 龙井 三(1)班 in different alliances
    central_alliance = world.schools["central"].hosted_alliances.get()
    first = do_save_series(
        SyncSeries(
            alliance=central_alliance,
            subject="音乐",
            host_teacher=world.people["central-music"],
            host_classroom=world.classrooms["central-studio"],
            lessons_per_week=1,
        ),
        [world.classes["longjing-3"]],
        acting_user=county_admin,
    )
    second = do_save_series(
        SyncSeries(
            alliance=central_alliance,
            subject="美术",
            host_teacher=world.people["central-music"],
            host_classroom=world.classrooms["central-studio"],
            lessons_per_week=1,
        ),
        [world.classes["longjing-3"]],
        acting_user=county_admin,
    )
    do_schedule_series([first], weights=Weights(), allow_moving=False, acting_user=county_admin)
    do_schedule_series([second], weights=Weights(), allow_moving=False, acting_user=county_admin)
    # CP-SAT may pick either of several equally good times; the two series share teacher, studio and class,
    # so the first's proposal is valid for the second too: put it there, as if both had been proposed it
    slot_a = first.slots.get()
    SeriesSlot.objects.filter(series=second).update(
        weekday=slot_a.weekday,
        host_period=slot_a.host_period,
        start_minute=slot_a.start_minute,
        end_minute=slot_a.end_minute,
        receiver_periods=slot_a.receiver_periods,
    )
    # when the first is accepted, the second can no longer be
    do_accept_proposals([first], acting_user=county_admin)
    with pytest.raises(ValidationError):
        do_accept_proposals([second], acting_user=county_admin)
    second.refresh_from_db()
    assert second.status == SeriesStatus.PROPOSED and not second.lessons.exists()


@pytest.mark.clock("2026-11-24 15:00")  # a Tuesday afternoon, mid-term
def test_a_series_accepted_mid_term_marks_its_passed_dates_as_before_the_series(
    world, county_admin, client_for
):
    from sanke.live.actions import do_mark_missed_lessons
    from sanke.timetable.choices import LessonStatus

    # given the music series proposed on Tuesday period 6 (14:50–15:30)
    series = music(world)
    period = Period.objects.get(school=series.host_classroom.school, number=6)
    SeriesSlot.objects.create(
        series=series,
        weekday=2,
        host_period=period,
        start_minute=14 * 60 + 50,
        end_minute=15 * 60 + 30,
        receiver_periods={},
    )
    series.status = SeriesStatus.PROPOSED
    series.save()
    # when it is accepted at 15:00 on a Tuesday, ten minutes after today's would-be start
    do_accept_proposals([series], acting_user=county_admin)
    lessons = {lesson.date: lesson for lesson in series.lessons.all()}
    # then the dates already begun are kept as "before the series", the rest are to be taught
    assert lessons[dt.date(2026, 9, 1)].status == LessonStatus.BEFORE_SERIES
    assert lessons[dt.date(2026, 11, 24)].status == LessonStatus.BEFORE_SERIES  # started 14:50, before 15:00
    assert lessons[dt.date(2026, 12, 1)].status == LessonStatus.SCHEDULED
    # and the missed-lesson job never counts them
    do_mark_missed_lessons(now=dt.datetime(2026, 12, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert not series.lessons.filter(status=LessonStatus.MISSED, date__lt=dt.date(2026, 11, 25)).exists()
    assert series.lessons.get(date=dt.date(2026, 12, 1)).status == LessonStatus.MISSED
    # and no page offers to enter one
    past = lessons[dt.date(2026, 11, 17)]
    page = client_for(world.users["county_admin"]).get(reverse("timetable:lesson", args=[past.pk]))
    assert 'data-testid="enter-lesson"' not in page.content.decode()
    record = client_for(world.users["county_admin"]).get(reverse("live:record", args=[past.pk]))
    assert f'href="{reverse("live:room", args=[past.pk])}"' not in record.content.decode()


def test_the_per_end_counter_leaves_out_series_that_could_not_be_placed(world, client_for):
    # given the music series (1 a week, its teacher hosts nothing else) that the co-scheduler could not place
    series = music(world)
    SyncSeries.objects.filter(pk=series.pk).update(status=SeriesStatus.UNPLACED)
    teacher = world.people["music"].name
    # when the coordinator reads the alliance page
    url = reverse("alliances:detail", args=[series.alliance_id])
    ends = dict(client_for(world.users["county_admin"]).get(url).context["ends"])
    # then its teacher's end counts no lesson, while the placed English series still counts for its ends
    assert not any(teacher in label for label in ends)
    assert set(ends.values()) == {2}
    # and a draft still counts: it is planned, just not scheduled yet
    SyncSeries.objects.filter(pk=series.pk).update(status=SeriesStatus.DRAFT)
    ends = dict(client_for(world.users["county_admin"]).get(url).context["ends"])
    assert any(teacher in label and count == 1 for label, count in ends.items())


def test_a_receive_only_classroom_is_refused_as_host_classroom(world, county_admin, client_for):
    # given the English alliance and the host school's 三(1)班教室, which can receive but not host
    alliance = english(world).alliance
    receive_only = world.classrooms["host-3-1"]
    before = SyncSeries.objects.count()
    # when the coordinator picks it as the host classroom of a new series
    # (the platform speaks Chinese unless the user picks English)
    response = client_for(county_admin).post(
        reverse("alliances:series_create", args=[alliance.pk]),
        {
            "subject": "美术",
            "host_teacher": world.people["art"].pk,
            "host_classroom": receive_only.pk,
            "receiving_classes": [world.classes["longjing-3"].pk],
            "lessons_per_week": 1,
            "minutes": 40,
            "mode": "live_with_students",
        },
    )
    # then the form says why, in Chinese, and nothing is saved
    assert response.status_code == 200
    assert "不能作主讲" in response.content.decode()
    assert SyncSeries.objects.count() == before
    # and the action refuses it too, whoever calls it
    with pytest.raises(ValidationError):
        do_save_series(
            SyncSeries(
                alliance=alliance,
                subject="美术",
                host_teacher=world.people["art"],
                host_classroom=receive_only,
                lessons_per_week=1,
            ),
            [world.classes["longjing-3"]],
            acting_user=county_admin,
        )

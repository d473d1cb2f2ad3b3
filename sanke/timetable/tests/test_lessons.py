"""Moving and cancelling one lesson from its page: every conflict is shown and nothing changes; a move or
cancellation notifies the schools and is audited; only the host school's managers and the alliance
coordinator may do it (teacher 403, outsider 404, nothing changed after a refusal).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sanke.alliances.actions import do_save_alliance
from sanke.alliances.models import Alliance
from sanke.core.models import AuditEvent
from sanke.notifications.models import Notification
from sanke.timetable.actions import do_delete_entry
from sanke.timetable.models import Lesson, Period, TimetableEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for, settings):
    """The shared ``client_for``, reading the pages in English (the messages asserted on are English)."""

    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


TUESDAY = dt.date(2026, 11, 24)
FRIDAY = dt.date(2026, 11, 27)


def the_lesson() -> Lesson:
    return Lesson.objects.get(date=TUESDAY, series__subject="英语")


def host_period(world, number) -> Period:
    return Period.objects.get(school=world.schools["host"], number=number)


def state(lesson: Lesson) -> tuple:
    lesson.refresh_from_db()
    return (
        lesson.date,
        lesson.host_period_id,
        lesson.starts_at,
        lesson.ends_at,
        lesson.status,
        lesson.moved_from,
    )


def counts() -> tuple[int, int]:
    return Notification.objects.count(), AuditEvent.objects.filter(
        action__startswith="timetable.lesson"
    ).count()


def free_friday(world):
    """下姜's 四年级 drops its Friday period-3 maths: Friday period 3 is then free for everyone."""
    entry = TimetableEntry.objects.get(class_group=world.classes["xiajiang-4"], weekday=5, period__number=3)
    do_delete_entry(entry, acting_user=None)


def move(client, lesson, date, period):
    return client.post(
        reverse("timetable:lesson_move", args=[lesson.pk]),
        {"date": date.isoformat(), "host_period": period.pk},
    )


# --- moving ---------------------------------------------------------------------------------------------
def test_a_move_onto_busy_periods_shows_every_conflict_and_changes_nothing(world, county_admin, client_for):
    # given the Tuesday English lesson
    lesson = the_lesson()
    before, before_counts = state(lesson), counts()

    # when the county admin moves it to period 4 the same day, when both receiving classes have 语文
    response = move(client_for(county_admin), lesson, TUESDAY, host_period(world, 4))

    # then the page shows both conflicts, and nothing changed
    assert response.status_code == 200
    errors = response.context["move_form"].non_field_errors()
    assert errors == [
        "龙井教学点 Grade 3(1)班 has 语文 in period 4.",
        "下姜教学点 Grade 4(1)班 has 语文 in period 4.",
    ]
    body = response.content.decode()
    assert 'data-testid="move-errors"' in body and "下姜教学点 Grade 4(1)班 has 语文 in period 4." in body
    assert state(lesson) == before
    assert counts() == before_counts


def test_a_move_onto_the_series_own_lesson_is_refused(world, county_admin, client_for):
    lesson = the_lesson()
    before = state(lesson)
    response = move(client_for(county_admin), lesson, dt.date(2026, 11, 26), host_period(world, 3))
    errors = " ".join(response.context["move_form"].non_field_errors())
    assert "already has the sync lesson 英语 at 09:50" in errors
    assert "王芳" in errors
    assert state(lesson) == before


def test_a_move_onto_a_holiday_is_refused(world, county_admin, client_for):
    lesson = the_lesson()
    before = state(lesson)
    response = move(client_for(county_admin), lesson, dt.date(2026, 10, 6), host_period(world, 3))
    errors = response.context["move_form"].non_field_errors()
    assert "千岛湖镇第一小学 does not teach on 2026-10-06." in errors
    assert state(lesson) == before


def test_a_move_outside_the_alliance_term_is_refused(world, county_admin, client_for):
    """Outside every term the calendar assumes a teaching week, so the term bounds are checked first."""
    lesson = the_lesson()
    before = state(lesson)
    response = move(client_for(county_admin), lesson, dt.date(2027, 2, 2), host_period(world, 3))
    assert "outside the alliance's term" in " ".join(response.context["move_form"].non_field_errors())
    assert state(lesson) == before


def test_a_move_onto_a_free_slot_moves_notifies_and_audits(world, county_admin, client_for):
    # given Friday period 3 is free at the host and both receiving classes
    free_friday(world)
    lesson = the_lesson()
    original_start = lesson.starts_at
    notifications = Notification.objects.count()

    # when the county admin moves the Tuesday lesson there
    response = move(client_for(county_admin), lesson, FRIDAY, host_period(world, 3))

    # then it moved (09:50 Shanghai = 01:50 UTC), remembering where it was
    assert response.status_code == 302 and response.url == reverse("timetable:lesson", args=[lesson.pk])
    lesson.refresh_from_db()
    assert lesson.date == FRIDAY
    assert lesson.starts_at == dt.datetime(2026, 11, 27, 1, 50, tzinfo=dt.UTC)
    assert lesson.ends_at == dt.datetime(2026, 11, 27, 2, 30, tzinfo=dt.UTC)
    assert lesson.moved_from == original_start
    # the host and both receiving schools are told
    told = set(Notification.objects.order_by("-id")[:3].values_list("school__name", flat=True))
    assert Notification.objects.count() == notifications + 3
    assert told == {"千岛湖镇第一小学", "龙井教学点", "下姜教学点"}
    assert AuditEvent.objects.filter(action="timetable.lesson.moved", actor=county_admin).count() == 1
    # and the page says so, with each receiving class in its own period
    page = client_for(county_admin).get(response.url)
    assert "2026-11-27" in page.content.decode()
    ends = {end.class_group.school.name: end.period.number for end in page.context["ends"]}
    assert ends == {"龙井教学点": 3, "下姜教学点": 3}


def test_the_day_page_follows_the_move(world, county_admin, client_for):
    free_friday(world)
    client = client_for(county_admin)
    move(client, the_lesson(), FRIDAY, host_period(world, 3))
    tuesday = client.get(reverse("timetable:today"), {"date": "2026-11-24"}).context["object_list"]
    friday = client.get(reverse("timetable:today"), {"date": "2026-11-27"}).context["object_list"]
    assert len(tuesday) == 0
    assert [lesson.moved_from is not None for lesson in friday] == [True]


def test_the_move_form_needs_a_date_and_a_host_period(world, county_admin, client_for):
    lesson = the_lesson()
    before = state(lesson)
    other_school_period = Period.objects.get(school=world.schools["central"], number=3)
    response = client_for(county_admin).post(
        reverse("timetable:lesson_move", args=[lesson.pk]),
        {"date": "", "host_period": other_school_period.pk},
    )
    form = response.context["move_form"]
    assert set(form.errors) == {"date", "host_period"}  # a period of another school is not offered
    assert state(lesson) == before


# --- cancelling -----------------------------------------------------------------------------------------
def test_cancelling_needs_a_reason(world, county_admin, client_for):
    lesson = the_lesson()
    before, before_counts = state(lesson), counts()
    response = client_for(county_admin).post(
        reverse("timetable:lesson_cancel", args=[lesson.pk]), {"reason": "   "}
    )
    assert response.status_code == 200
    assert response.context["cancel_form"].errors
    assert state(lesson) == before and counts() == before_counts


def test_cancelling_a_lesson_notifies_and_then_it_cannot_move(world, school_admin, client_for):
    lesson = the_lesson()
    client = client_for(school_admin)
    notifications = Notification.objects.count()
    response = client.post(reverse("timetable:lesson_cancel", args=[lesson.pk]), {"reason": "学校运动会"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.status, lesson.cancel_reason) == ("cancelled", "学校运动会")
    assert Notification.objects.count() == notifications + 3
    assert AuditEvent.objects.filter(action="timetable.lesson.cancelled", actor=school_admin).count() == 1
    page = client.get(reverse("timetable:lesson", args=[lesson.pk]))
    assert 'data-testid="move-form"' not in page.content.decode()
    assert "学校运动会" in page.content.decode()
    before = state(lesson)
    response = move(client, lesson, TUESDAY, host_period(world, 3))
    assert "Only a scheduled lesson can be moved." in response.context["move_form"].non_field_errors()
    assert state(lesson) == before
    # a second cancellation is refused as well
    response = client.post(reverse("timetable:lesson_cancel", args=[lesson.pk]), {"reason": "again"})
    assert "Only a scheduled lesson can be cancelled." in response.context["cancel_form"].non_field_errors()
    assert Notification.objects.count() == notifications + 3


# --- who may change a lesson -------------------------------------------------------------------------
@pytest.mark.parametrize("route", ["timetable:lesson_move", "timetable:lesson_cancel"])
def test_the_host_teacher_may_look_but_not_change(world, host_teacher, client_for, route):
    free_friday(world)
    lesson = the_lesson()
    client = client_for(host_teacher)
    before, before_counts = state(lesson), counts()
    page = client.get(reverse("timetable:lesson", args=[lesson.pk]))
    assert page.status_code == 200
    assert 'data-testid="move-form"' not in page.content.decode()
    data = {"date": FRIDAY.isoformat(), "host_period": host_period(world, 3).pk, "reason": "x"}
    assert client.post(reverse(route, args=[lesson.pk]), data).status_code == 403
    assert client.get(reverse(route, args=[lesson.pk])).status_code == 403
    assert state(lesson) == before and counts() == before_counts


@pytest.mark.parametrize("route", ["timetable:lesson", "timetable:lesson_move", "timetable:lesson_cancel"])
def test_an_outsider_gets_404_and_changes_nothing(world, outsider, client_for, route):
    free_friday(world)
    lesson = the_lesson()
    before, before_counts = state(lesson), counts()
    client = client_for(outsider)
    data = {"date": FRIDAY.isoformat(), "host_period": host_period(world, 3).pk, "reason": "x"}
    assert client.post(reverse(route, args=[lesson.pk]), data).status_code in (404, 405)
    assert client.get(reverse(route, args=[lesson.pk])).status_code == 404
    assert state(lesson) == before and counts() == before_counts


def test_the_alliance_coordinator_may_change_a_lesson(world, client_for):
    # given the county's teaching researcher coordinates the English alliance (and manages no school)
    researcher = world.users["researcher"]
    alliance = Alliance.objects.get(name="千岛湖一小英语专递课堂")
    client = client_for(researcher)
    lesson = the_lesson()
    assert (
        client.post(reverse("timetable:lesson_cancel", args=[lesson.pk]), {"reason": "x"}).status_code == 403
    )

    alliance.coordinator = researcher
    do_save_alliance(alliance, list(alliance.receiving_schools()), acting_user=None)
    page = client.get(reverse("timetable:lesson", args=[lesson.pk]))
    assert 'data-testid="move-form"' in page.content.decode()
    response = client.post(reverse("timetable:lesson_cancel", args=[lesson.pk]), {"reason": "教研活动"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == "cancelled"


def test_get_on_the_change_routes_shows_the_lesson_page(world, county_admin, client_for):
    lesson = the_lesson()
    for route in ("timetable:lesson_move", "timetable:lesson_cancel"):
        response = client_for(county_admin).get(reverse(route, args=[lesson.pk]))
        assert response.status_code == 200
        assert response.context["lesson"] == lesson


def test_lessons_skip_the_holidays_and_honour_the_term(world):
    dates = set(Lesson.objects.filter(series__subject="英语").values_list("date", flat=True))
    holiday = {dt.date(2026, 10, d) for d in range(1, 8)} | {dt.date(2027, 1, 1)}
    assert not dates & holiday
    assert dt.date(2026, 10, 8) in dates  # the Thursday after the National Day week
    assert min(dates) >= dt.date(2026, 9, 1) and max(dates) <= dt.date(2027, 1, 22)
    assert {d.isoweekday() for d in dates} == {2, 4}

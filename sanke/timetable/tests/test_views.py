"""Timetable read pages: the week grids (a receiving school sees a sync lesson in its own period), the
lessons of a day with their filters, and who may open what (outsider 404, non-staff 403, a teacher their
own page).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sanke.accounts.actions import do_create_account
from sanke.alliances.models import Alliance
from sanke.timetable import selectors
from sanke.timetable.actions import do_cancel_lesson, do_schedule_series
from sanke.timetable.models import Lesson, SyncSeries
from sanke.timetable.scheduling.solver import Weights

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 11, 24)


def english(world) -> Alliance:
    return Alliance.objects.get(name="千岛湖一小英语专递课堂")


def sync_items(grid, weekday, number):
    return [item for item in grid.cell(weekday, number) if item.is_sync]


def row_clock(grid, number):
    return next(row.clock for row in grid.rows if row.number == number)


def page_urls(world):
    lesson = Lesson.objects.get(date=TUESDAY, series__subject="英语")
    return {
        "school": reverse("timetable:school", args=[world.schools["longjing"].pk]),
        "class": reverse("timetable:class", args=[world.classes["longjing-3"].pk]),
        "teacher": reverse("timetable:teacher", args=[world.people["teacher"].pk]),
        "classroom": reverse("timetable:classroom", args=[world.classrooms["longjing"].pk]),
        "alliance": reverse("timetable:alliance", args=[english(world).pk]),
        "lesson": reverse("timetable:lesson", args=[lesson.pk]),
    }


# --- the grids ----------------------------------------------------------------------------------------
def test_each_receiving_school_sees_the_sync_lesson_in_its_own_period(world, county_admin):
    # given the English series: host period 3 (09:50–10:30) on Tuesday and Thursday
    longjing = selectors.school_week(world.schools["longjing"], county_admin)
    xiajiang = selectors.school_week(world.schools["xiajiang"], county_admin)
    host = selectors.school_week(world.schools["host"], county_admin)

    # then each school shows it in its own period 3, with its own bell times beside it
    assert row_clock(longjing, 3) == "09:50–10:30"
    assert row_clock(xiajiang, 3) == "09:45–10:30"
    for grid, role in ((longjing, "receiver"), (xiajiang, "receiver"), (host, "host")):
        for weekday in (2, 4):
            [item] = sync_items(grid, weekday, 3)
            assert (item.subject, item.role, item.clock, item.proposed) == (
                "英语",
                role,
                "09:50–10:30",
                False,
            )
        assert not sync_items(grid, 1, 3) and not sync_items(grid, 2, 2)
    # the host side names the receiving classes, the receiving side the host teacher and school
    assert "龙井教学点 三年级(1)班" in " ".join(sync_items(host, 2, 3)[0].lines)
    assert "千岛湖镇第一小学" in " ".join(sync_items(xiajiang, 2, 3)[0].lines)
    # and the ordinary timetable is there too
    assert sorted((i.subject, i.lines[0]) for i in longjing.cell(2, 1)) == [
        ("数学", "五年级(1)班"),
        ("语文", "三年级(1)班"),
    ]


def test_the_receiving_schools_page_shows_its_own_period_clock(world, county_admin, client_for):
    response = client_for(county_admin).get(reverse("timetable:school", args=[world.schools["xiajiang"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "09:45–10:30" in body
    grid = response.context["grid"]
    assert sync_items(grid, 2, 3)[0].subject == "英语"
    # the school page links to its class timetables
    assert reverse("timetable:class", args=[world.classes["xiajiang-4"].pk]) in body


def test_receiving_period_follows_the_slot_not_the_clock(world, county_admin):
    """The period comes from ``receiver_periods``: change it and the lesson shows there."""
    slot = SyncSeries.objects.get(subject="英语").slots.get(weekday=2)
    slot.receiver_periods = {**slot.receiver_periods, str(world.classes["xiajiang-4"].pk): 4}
    slot.save()
    grid = selectors.class_week(world.classes["xiajiang-4"], world.users["county_admin"])
    assert [i.subject for i in sync_items(grid, 2, 4)] == ["英语"]
    assert not sync_items(grid, 2, 3)


def test_proposed_slots_are_shown_and_marked(world, county_admin):
    # given the music series gets proposals from the co-scheduler, not accepted yet
    music = SyncSeries.objects.get(subject="音乐")
    do_schedule_series([music], weights=Weights(), allow_moving=False, acting_user=None, time_limit=5)
    slot = music.slots.get()
    assert not slot.accepted
    central_period = slot.receiver_periods[str(world.classes["central-4"].pk)]

    # then the host and the receiving school show it, marked as proposed, each in its own period
    host_items = [
        i
        for i in sync_items(
            selectors.school_week(world.schools["host"], county_admin), slot.weekday, slot.host_period.number
        )
        if i.subject == "音乐"
    ]
    central = selectors.school_week(world.schools["central"], county_admin)
    central_items = [i for i in sync_items(central, slot.weekday, central_period) if i.subject == "音乐"]
    assert [(i.role, i.proposed) for i in host_items] == [("host", True)]
    assert [(i.role, i.proposed) for i in central_items] == [("receiver", True)]
    # the accepted English slots stay unmarked
    assert not any(
        i.proposed
        for i in sync_items(
            selectors.class_week(world.classes["longjing-3"], world.users["county_admin"]), 2, 3
        )
    )


def test_teacher_week_has_their_classes_and_the_lessons_they_host(world):
    grid = selectors.teacher_week(world.people["teacher"], world.users["county_admin"])
    assert [i.subject for i in grid.cell(1, 3)] == ["英语"]  # their own class, Monday period 3
    assert not grid.cell(1, 3)[0].is_sync
    assert [(i.subject, i.role) for i in grid.cell(2, 3)] == [("英语", "host")]
    assert grid.cell(5, 3) == []


def test_classroom_week_shows_what_its_home_class_receives_there(world):
    grid = selectors.classroom_week(world.classrooms["longjing"], world.users["county_admin"])
    assert [(i.subject, i.role) for i in sync_items(grid, 4, 3)] == [("英语", "receiver")]
    assert [i.subject for i in grid.cell(1, 1)] == ["语文"]
    studio = selectors.classroom_week(world.classrooms["host-studio"], world.users["county_admin"])
    assert [(i.subject, i.role) for i in sync_items(studio, 2, 3)] == [("英语", "host")]


def test_alliance_week_has_one_grid_per_school_in_its_own_periods(world):
    grids, page = selectors.alliance_week(english(world), world.users["county_admin"])
    assert page.paginator.num_pages == 1
    by_name = {grid.school.name: grid for grid in grids}
    assert grids[0].school == world.schools["host"]
    assert set(by_name) == {"千岛湖镇第一小学", "枫树岭镇中心小学", "龙井教学点", "下姜教学点"}
    assert row_clock(by_name["下姜教学点"], 3) == "09:45–10:30"
    assert [i.subject for i in sync_items(by_name["下姜教学点"], 4, 3)] == ["英语"]
    assert by_name["枫树岭镇中心小学"].is_empty  # a member without a class in a placed series
    # only the alliance's slots: no ordinary entries
    assert all(item.is_sync for grid in grids for row in grid.rows for c in row.cells for item in c.items)


def test_alliance_week_shows_its_receiving_schools_a_page_at_a_time(world, client_for, monkeypatch):
    """A county's alliance may reach 30 schools: the page shows the host and a page of the others."""
    from sanke.timetable.selectors import grid

    monkeypatch.setattr(grid, "SCHOOLS_PER_PAGE", 1)
    client = client_for(world.users["county_admin"])
    url = reverse("timetable:alliance", args=[english(world).pk])
    seen = []
    for number in (1, 2, 3):
        html = client.get(url, {"page": number}).content.decode()
        schools = re.findall(r'data-testid="week-grid" data-school="(\d+)"', html)
        assert schools[0] == str(world.schools["host"].pk) and len(schools) == 2
        seen.append(schools[1])
    assert 'data-testid="school-pages"' in html
    assert len(set(seen)) == 3  # 枫树岭, 龙井, 下姜: each on a page of its own


def test_alliance_grid_include_renders_on_its_own(world):
    from django.template.loader import render_to_string

    grid = selectors.alliance_week(english(world), world.users["county_admin"])[0][2]
    html = render_to_string("timetable/_week_grid.html", {"grid": grid})
    assert 'data-testid="week-grid"' in html and "英语" in html


# --- the pages: who may open them -----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["school", "class", "teacher", "classroom", "alliance", "lesson"])
def test_county_admin_opens_every_page(world, county_admin, client_for, name):
    response = client_for(county_admin).get(page_urls(world)[name])
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["school", "class", "teacher", "classroom", "alliance", "lesson"])
def test_an_outsider_gets_404_everywhere(world, outsider, client_for, name):
    response = client_for(outsider).get(page_urls(world)[name])
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["school", "class", "classroom", "alliance", "lesson"])
def test_a_student_may_not_open_timetable_pages(world, student, client_for, name):
    assert client_for(student).get(page_urls(world)[name]).status_code == 403


def test_a_student_does_not_even_see_the_teacher(world, student, client_for):
    """People are staff data: for a student the teacher does not exist."""
    assert client_for(student).get(page_urls(world)["teacher"]).status_code == 404


def test_a_teacher_without_a_staff_role_sees_only_their_own_teacher_page(world, client_for):
    # given 周强 (teaching point teacher) gets a login account but no role yet
    zhou = world.people["assistant"]
    user = do_create_account(
        username="zhouqiang",
        password="Sanke@2026!x",
        person=zhou,
        must_change_password=False,
        acting_user=None,
    )
    client = client_for(user)
    assert client.get(reverse("timetable:teacher", args=[zhou.pk])).status_code == 200
    assert client.get(reverse("timetable:teacher", args=[world.people["teacher"].pk])).status_code == 404
    assert client.get(reverse("timetable:school", args=[zhou.school_id])).status_code == 403
    assert client.get(reverse("timetable:today")).status_code == 403


def test_the_teacher_page_refuses_a_person_who_is_not_a_teacher(world, county_admin, client_for):
    url = reverse("timetable:teacher", args=[world.people["student1"].pk])
    assert client_for(county_admin).get(url).status_code == 404


def test_the_host_teacher_reads_their_school_but_not_another(world, host_teacher, client_for):
    client = client_for(host_teacher)
    assert client.get(reverse("timetable:school", args=[world.schools["host"].pk])).status_code == 200
    assert client.get(reverse("timetable:school", args=[world.schools["central"].pk])).status_code == 404
    assert client.get(reverse("timetable:teacher", args=[world.people["teacher"].pk])).status_code == 200


def test_anonymous_users_go_to_login(world, client):
    for url in page_urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- the lessons of a day ---------------------------------------------------------------------------------
def today_page(client, **params):
    response = client.get(reverse("timetable:today"), params)
    assert response.status_code == 200
    return response


def test_the_day_page_lists_the_days_lessons_with_who_and_where(world, county_admin, client_for):
    response = today_page(client_for(county_admin), date="2026-11-24")
    lessons = list(response.context["object_list"])
    assert [(lesson.series.subject, lesson.date) for lesson in lessons] == [("英语", TUESDAY)]
    body = response.content.decode()
    for text in (
        "09:50–10:30",
        "英语",
        "王芳",
        "千岛湖镇第一小学",
        "龙井教学点 三年级(1)班",
        "下姜教学点 四年级(1)班",
    ):
        assert text in body
    assert reverse("timetable:lesson", args=[lessons[0].pk]) in body


def test_the_day_page_defaults_to_today_in_shanghai(world, county_admin, client_for):
    response = today_page(client_for(county_admin))
    assert response.context["date"] == timezone.localdate()


def test_no_lessons_during_the_national_day_holiday(world, county_admin, client_for):
    client = client_for(county_admin)
    for day in range(1, 8):
        response = today_page(client, date=f"2026-10-{day:02d}")
        assert list(response.context["object_list"]) == []
    assert not Lesson.objects.filter(date__range=(dt.date(2026, 10, 1), dt.date(2026, 10, 7))).exists()
    # the Thursday after the holiday has its lesson again
    assert len(today_page(client, date="2026-10-08").context["object_list"]) == 1


def test_the_day_page_filters_by_school_subject_and_status(world, county_admin, client_for):
    client = client_for(county_admin)
    lesson = Lesson.objects.get(date=TUESDAY)
    do_cancel_lesson(lesson, "运动会", acting_user=None)

    def found(**params):
        return len(today_page(client, date="2026-11-24", **params).context["object_list"])

    assert found() == 1
    assert found(school=world.schools["xiajiang"].pk) == 1  # a receiving school
    assert found(school=world.schools["host"].pk) == 1  # the host school
    assert found(school=world.schools["central"].pk) == 0  # a member without a class in this series
    assert found(subject="英语") == 1
    assert found(subject="音乐") == 0
    assert found(status="cancelled") == 1
    assert found(status="scheduled") == 0
    assert "运动会" in today_page(client, date="2026-11-24").content.decode()


def test_the_day_page_shows_nothing_of_another_county(world, outsider, client_for):
    response = today_page(client_for(outsider), date="2026-11-24")
    assert list(response.context["object_list"]) == []
    body = response.content.decode()
    assert "王芳" not in body and "龙井教学点" not in body


def test_the_school_filter_offers_only_visible_schools(world, school_admin, client_for):
    response = today_page(client_for(school_admin), date="2026-11-24")
    offered = set(response.context["form"].fields["school"].queryset.values_list("name", flat=True))
    assert offered == {"千岛湖镇第一小学"}


def test_the_day_page_needs_a_staff_role(world, student, client_for):
    assert client_for(student).get(reverse("timetable:today")).status_code == 403


def test_the_pages_query_a_bounded_number_of_times(
    world, county_admin, client_for, django_assert_max_num_queries
):
    """No query per lesson or per slot: the grids and the day list prefetch what their rows show."""
    client = client_for(county_admin)
    client.get(reverse("home"))
    urls = [reverse("timetable:today") + "?date=2026-11-24", *page_urls(world).values()]
    for url in urls:
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200

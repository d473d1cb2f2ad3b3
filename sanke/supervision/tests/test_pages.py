"""The indicator pages: who sees what (404 out of scope, 403 in scope but not a supervisor), what they show,
and a fixed number of queries however many schools and teachers the table lists."""

from __future__ import annotations

from django.urls import reverse

from sanke.testing.queries import counted_queries

DATE = "?date=2026-11-25"  # Wednesday of the week of 11-23


def test_county_admin_sees_the_county_figures_and_the_schools(world, fortnight, client_for):
    # given the county admin of 淳安县
    client = client_for(world.users["county_admin"])
    # when they open the county's dashboard in the week of 11-23
    response = client.get(reverse("dashboard:region", args=[world.regions["330127"].pk]) + DATE)
    # then the figures of the hand-built fortnight show, with the schools to drill into
    assert response.status_code == 200
    text = response.content.decode()
    view = response.context["view"]
    assert (view.week.held, view.week.lessons, view.target) == (2, 3, 6)
    assert view.term.delivery_rate == 50.0
    assert world.schools["host"].name in text
    assert reverse("dashboard:school", args=[world.schools["host"].pk]) in text


def test_the_dashboard_home_sends_each_role_to_their_place(world, client_for):
    cases = {
        "county_admin": reverse("dashboard:region", args=[world.regions["330127"].pk]),
        "school_admin": reverse("dashboard:school", args=[world.schools["host"].pk]),
        "teacher": reverse("dashboard:teacher", args=[world.people["teacher"].pk]),
    }
    for username, url in cases.items():
        response = client_for(world.users[username]).get(reverse("dashboard:home"))
        assert (response.status_code, response.url) == (302, url), username


def test_school_admin_gets_404_for_another_school_and_403_for_the_county(world, client_for):
    client = client_for(world.users["school_admin"])
    other = world.classrooms["longjing"].school
    assert client.get(reverse("dashboard:school", args=[other.pk])).status_code == 404
    assert client.get(reverse("dashboard:school_lessons", args=[other.pk])).status_code == 404
    assert client.get(reverse("dashboard:school", args=[world.schools["host"].pk])).status_code == 200
    assert client.get(reverse("dashboard:region", args=[world.regions["330127"].pk])).status_code == 403


def test_outsider_sees_nothing_of_the_county(world, outsider, client_for):
    client = client_for(outsider)
    urls = [
        reverse("dashboard:region", args=[world.regions["330127"].pk]),
        reverse("dashboard:region_lessons", args=[world.regions["330127"].pk]),
        reverse("dashboard:school", args=[world.schools["host"].pk]),
        reverse("dashboard:class", args=[world.classes["longjing-3"].pk]),
        reverse("dashboard:teacher", args=[world.people["teacher"].pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_a_teacher_reads_their_own_record_and_no_colleagues(world, fortnight, client_for):
    client = client_for(world.users["teacher"])
    response = client.get(reverse("dashboard:teacher", args=[world.people["teacher"].pk]) + DATE)
    assert response.status_code == 200
    assert (response.context["quota"].held, response.context["quota"].quota) == (2, 5)
    assert client.get(reverse("dashboard:teacher", args=[world.people["music"].pk])).status_code == 403
    assert client.get(reverse("dashboard:school", args=[world.schools["host"].pk])).status_code == 403


def test_lessons_behind_a_figure_list_the_cancelled_lesson_with_its_reason(world, fortnight, client_for):
    client = client_for(world.users["county_admin"])
    url = reverse("dashboard:region_lessons", args=[world.regions["330127"].pk])
    response = client.get(url + "?outcome=cancelled&from=2026-11-01&to=2026-11-30")
    text = response.content.decode()
    assert "教师外出培训" in text
    assert reverse("timetable:lesson", args=[fortnight.cancelled.pk]) in text
    assert reverse("timetable:lesson", args=[fortnight.held.pk]) not in text
    # bad input is ignored, never a 500
    assert client.get(url + "?from=2026-13-45&to=x&outcome=zzz&date=nope").status_code == 200


def test_pages_send_as_many_queries_for_a_bigger_county(world, fortnight, client_for):
    from sanke.supervision.actions import do_fold_lessons
    from sanke.supervision.tests.conftest import _log, english, hold

    client = client_for(world.users["county_admin"])
    urls = [
        reverse("dashboard:region", args=[world.regions["330127"].pk]) + DATE,
        reverse("dashboard:region", args=[world.regions["330127"].pk]) + DATE + "&by=teacher",
        reverse("dashboard:region", args=[world.regions["330127"].pk]) + DATE + "&by=alliance",
        reverse("dashboard:school", args=[world.schools["host"].pk]) + DATE,
        reverse("dashboard:region_lessons", args=[world.regions["330127"].pk]) + DATE,
    ]

    def counts():
        result = []
        for url in urls:
            with counted_queries() as log:
                assert client.get(url).status_code == 200
            result.append(len(log.work))
        return result

    before = counts()
    # more lessons held in the term
    for day in ("2026-12-01", "2026-12-03", "2026-12-08"):
        lesson = english(day)
        hold(lesson, _log(lesson, {world.classrooms["longjing"].pk: 1.0}))
        do_fold_lessons([lesson.pk])
    assert counts() == before


def test_the_home_page_of_a_supervisor_shows_the_headline_and_a_teachers_does_not(
    world, fortnight, client_for
):
    admin_home = client_for(world.users["county_admin"]).get(reverse("home")).content.decode()
    assert 'data-testid="indicator-panel"' in admin_home
    assert reverse("dashboard:region", args=[world.regions["330127"].pk]) in admin_home
    school_home = client_for(world.users["school_admin"]).get(reverse("home")).content.decode()
    assert reverse("dashboard:school", args=[world.schools["host"].pk]) in school_home
    teacher_home = client_for(world.users["teacher"]).get(reverse("home")).content.decode()
    assert 'data-testid="indicator-panel"' not in teacher_home

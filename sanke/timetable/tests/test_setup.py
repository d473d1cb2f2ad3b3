"""The timetable set-up pages of a school admin: terms with holidays and make-up days, the period grid
(节次) and the week timetable of a class. Each save goes through an action (audited); every refusal
(teacher → 403, another county or school → 404) leaves the data as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from sanke.core.models import AuditEvent
from sanke.org.actions import do_save_class_group, do_save_grade
from sanke.org.models import ClassGroup, Grade
from sanke.timetable.actions import do_delete_entry, do_set_period_grid
from sanke.timetable.choices import DayKind
from sanke.timetable.forms.setup import CalendarText, holiday_lines, makeup_lines, parse_date
from sanke.timetable.imports import parse_weekday
from sanke.timetable.models import CalendarDay, Lesson, Period, Term, TimetableEntry

pytestmark = pytest.mark.django_db

DEMO_TERM = "2026–2027 学年第一学期"


@pytest.fixture
def en_client(client_for):
    """The test client logged in as a user, showing English (messages are asserted in English)."""

    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture
def host(world):
    return world.schools["host"]


@pytest.fixture
def demo_term(host):
    return Term.objects.get(school=host, name=DEMO_TERM)


def redirected(response, url=None):
    if response.status_code != 302:
        context = response.context or {}
        form = context.get("form") if hasattr(context, "get") else None
        pytest.fail(f"not saved ({response.status_code}): {form.errors if form is not None else ''}")
    if url is not None:
        assert response.url == url
    return response


def field_errors(response, field) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def calendar_state(school) -> list[tuple]:
    return sorted(
        (t.name, t.start, t.end, d.date, d.kind, d.follows_weekday, d.note)
        for t in Term.objects.filter(school=school)
        for d in t.days.all()
    ) + sorted((t.name, t.start, t.end) for t in Term.objects.filter(school=school))


def grid_state(school) -> list[tuple]:
    return list(Period.objects.filter(school=school).values_list("pk", "number", "start", "end"))


def timetable_state(class_group) -> list[tuple]:
    return list(
        TimetableEntry.objects.filter(class_group=class_group).values_list(
            "pk", "weekday", "period_id", "subject", "teacher_id", "classroom_id"
        )
    )


def term_post(**values) -> dict:
    data = {
        "name": "2027 年春季学期",
        "start": "2027-02-22",
        "end": "2027-07-02",
        "holidays": "",
        "makeup_days": "",
    }
    data.update(values)
    return data


# --- the routes ------------------------------------------------------------------------------------
def test_the_set_up_routes_have_the_agreed_paths():
    assert reverse("timetable:term_list", args=[7]) == "/timetable/schools/7/terms/"
    assert reverse("timetable:term_edit", args=[7]) == "/timetable/terms/7/edit/"
    assert reverse("timetable:period_grid", args=[7]) == "/timetable/schools/7/periods/"
    assert reverse("timetable:class_edit", args=[7]) == "/timetable/classes/7/edit/"
    assert reverse("timetable:entry_create", args=[7]) == "/timetable/classes/7/entries/new/"
    assert reverse("timetable:entry_edit", args=[7]) == "/timetable/entries/7/edit/"
    assert reverse("timetable:entry_delete", args=[7]) == "/timetable/entries/7/delete/"


# --- reading what a clerk types ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01", dt.date(2026, 10, 1)),
        ("2026/10/1", dt.date(2026, 10, 1)),
        ("2026.10.01", dt.date(2026, 10, 1)),
        ("2026年10月1日", dt.date(2026, 10, 1)),
        ("2026-13-01", None),
        ("2026-02-30", None),
        ("10-01", None),
        ("国庆", None),
    ],
)
def test_dates_are_read_in_the_ways_clerks_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("周三", 3),
        ("星期三", 3),
        ("礼拜三", 3),
        ("三", 3),
        ("Wednesday", 3),
        ("周日", 7),
        ("星期天", 7),
        ("7", 7),
        ("0", None),
        ("8", None),
        ("周八", None),
        ("", None),
    ],
)
def test_weekdays_are_read_in_the_ways_clerks_write_them(text, expected):
    assert parse_weekday(text) == expected


def test_the_calendar_text_becomes_holidays_and_make_up_days():
    calendar = CalendarText(dt.date(2026, 9, 1), dt.date(2027, 1, 22))
    calendar.read_holidays("2026-10-01~2026-10-07 国庆节\n\n# comment lines are skipped\n2027-01-01 元旦")
    calendar.read_makeup_days("2026-10-10 周三 国庆调休\n2026-09-27 5")
    assert calendar.errors == {}
    holidays = [(d.date, d.note) for d in calendar.days if d.kind == DayKind.HOLIDAY]
    assert holidays == [(dt.date(2026, 10, d), "国庆节") for d in range(1, 8)] + [
        (dt.date(2027, 1, 1), "元旦")
    ]
    makeups = [(d.date, d.follows_weekday, d.note) for d in calendar.days if d.kind == DayKind.MAKEUP]
    assert makeups == [(dt.date(2026, 10, 10), 3, "国庆调休"), (dt.date(2026, 9, 27), 5, "")]
    # and back to the text the edit form shows
    assert holiday_lines(calendar.days) == ["2026-10-01~2026-10-07 国庆节", "2027-01-01 元旦"]
    with translation.override("en"):
        assert makeup_lines(calendar.days) == ["2026-09-27 Friday", "2026-10-10 Wednesday 国庆调休"]


@pytest.mark.parametrize(
    ("holidays", "makeups", "field", "message"),
    [
        ("2026-10-01\n2026-13-01", "", "holidays", "line 2: 2026-13-01 is not a date"),
        ("2026-10-01~2026-10-40", "", "holidays", "line 1: 2026-10-40 is not a date"),
        ("2026-10-07~2026-10-01", "", "holidays", "line 1: the range ends before it starts"),
        (
            "2027-03-01 春游",
            "",
            "holidays",
            "line 1: 2027-03-01 is outside the term (2026-09-01 – 2027-01-22)",
        ),
        (
            "2026-10-01\n2026-09-20~2026-10-02",
            "",
            "holidays",
            "line 2: 2026-10-01 is already given on line 1",
        ),
        ("", "2026-10-10", "makeup_days", "line 1: say whose timetable 2026-10-10 follows"),
        ("", "2026-10-10 周八", "makeup_days", "line 1: 周八 is not a weekday"),
        (
            "",
            "\n\n2026-10-10 三 " + "很" * 65,
            "makeup_days",
            "line 3: the note is longer than 64 characters",
        ),
        ("2026-10-10", "2026-10-10 周三", "makeup_days", "line 1: 2026-10-10 is already given on line 1 of"),
    ],
)
def test_each_bad_line_is_named(holidays, makeups, field, message):
    calendar = CalendarText(dt.date(2026, 9, 1), dt.date(2027, 1, 22))
    with translation.override("en"):
        calendar.read_holidays(holidays)
        calendar.read_makeup_days(makeups)
    assert any(m.startswith(message) for m in calendar.errors.get(field, [])), calendar.errors


# --- terms ---------------------------------------------------------------------------------------------
def test_the_term_list_shows_each_term_with_its_calendar(host, school_admin, en_client):
    response = en_client(school_admin).get(reverse("timetable:term_list", args=[host.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert DEMO_TERM in body
    assert "2026-10-01~2026-10-07" in body
    row = response.context["terms"][0]
    assert row["holidays"] == [("2026-10-01~2026-10-07", "国庆节"), ("2027-01-01", "元旦")]
    assert row["makeup_days"] == [("2026-10-10", "Wednesday 国庆调休")]
    # 2026-09-01 … 2027-01-22 has 104 weekdays; 6 holidays fall on weekdays (10-01/02/05/06/07 and
    # 01-01) and one make-up Saturday is taught
    assert row["teaching_days"] == 104 - 6 + 1
    assert response.context["form"] is not None


def test_school_admin_adds_a_term_with_a_holiday_range_and_a_makeup_day(host, school_admin, en_client):
    # when
    response = en_client(school_admin).post(
        reverse("timetable:term_list", args=[host.pk]),
        term_post(
            holidays="2027-04-04~2027-04-06 清明节\n2027-05-01~2027-05-05 劳动节",
            makeup_days="2027-04-25 周一",
        ),
    )
    # then
    redirected(response, reverse("timetable:term_list", args=[host.pk]))
    term = Term.objects.get(school=host, name="2027 年春季学期")
    assert (term.start, term.end) == (dt.date(2027, 2, 22), dt.date(2027, 7, 2))
    days = list(term.days.order_by("date").values_list("date", "kind", "follows_weekday", "note"))
    assert days[:3] == [(dt.date(2027, 4, d), DayKind.HOLIDAY, None, "清明节") for d in (4, 5, 6)]
    assert (dt.date(2027, 4, 25), DayKind.MAKEUP, 1, "") in days
    assert len(days) == 3 + 5 + 1
    assert AuditEvent.objects.filter(
        action="timetable.term.created", target_id=str(term.pk), actor=school_admin
    ).exists()


def test_a_bad_line_is_shown_on_the_page_and_nothing_is_saved(host, school_admin, en_client):
    before = calendar_state(host)
    response = en_client(school_admin).post(
        reverse("timetable:term_list", args=[host.pk]),
        term_post(holidays="2027-04-05 清明节\n2027-13-01", makeup_days="2027-04-25"),
    )
    assert response.status_code == 200
    assert field_errors(response, "holidays") == ["line 2: 2027-13-01 is not a date (write e.g. 2026-10-01)"]
    assert field_errors(response, "makeup_days")[0].startswith(
        "line 1: say whose timetable 2027-04-25 follows"
    )
    assert "line 2: 2027-13-01 is not a date" in response.content.decode()
    assert calendar_state(host) == before


def test_days_outside_the_term_are_refused(host, school_admin, en_client):
    before = calendar_state(host)
    response = en_client(school_admin).post(
        reverse("timetable:term_list", args=[host.pk]), term_post(holidays="2027-10-01~2027-10-07 国庆节")
    )
    assert response.status_code == 200
    assert "outside the term" in field_errors(response, "holidays")[0]
    assert calendar_state(host) == before


def test_a_term_name_is_unique_per_school_and_ends_after_it_starts(host, school_admin, en_client):
    client = en_client(school_admin)
    before = calendar_state(host)
    response = client.post(reverse("timetable:term_list", args=[host.pk]), term_post(name=DEMO_TERM))
    assert field_errors(response, "name") == ["This school already has a term with this name."]
    response = client.post(
        reverse("timetable:term_list", args=[host.pk]), term_post(start="2027-07-02", end="2027-02-22")
    )
    assert field_errors(response, "end") == ["The last day is before the first day."]
    assert calendar_state(host) == before


def test_editing_a_term_shows_its_days_as_text_and_replaces_them(demo_term, school_admin, en_client):
    client = en_client(school_admin)
    url = reverse("timetable:term_edit", args=[demo_term.pk])
    # given: the edit form shows the stored calendar the way it was typed
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["holidays"].value() == "2026-10-01~2026-10-07 国庆节\n2027-01-01 元旦"
    assert form["makeup_days"].value() == "2026-10-10 Wednesday 国庆调休"
    # when: the 元旦 holiday grows to three days and the make-up day follows Thursday instead
    response = client.post(
        url,
        term_post(
            name=demo_term.name,
            start="2026-09-01",
            end="2027-01-22",
            holidays="2026-10-01~2026-10-07 国庆节\n2027-01-01~2027-01-03 元旦",
            makeup_days="2026-10-10 4 国庆调休",
        ),
    )
    # then
    redirected(response, reverse("timetable:term_list", args=[demo_term.school_id]))
    days = {d.date: d for d in CalendarDay.objects.filter(term=demo_term)}
    assert len(days) == 7 + 3 + 1
    assert days[dt.date(2027, 1, 3)].note == "元旦"
    assert days[dt.date(2026, 10, 10)].follows_weekday == 4
    event = AuditEvent.objects.get(action="timetable.term.updated", target_id=str(demo_term.pk))
    assert set(event.changes) == {"holidays", "makeup_days"}


def test_a_county_admin_manages_the_terms_of_the_schools_below(host, county_admin, en_client):
    response = en_client(county_admin).post(reverse("timetable:term_list", args=[host.pk]), term_post())
    redirected(response)
    assert Term.objects.filter(school=host, name="2027 年春季学期").exists()


def test_a_teacher_sees_the_terms_but_cannot_change_them(host, demo_term, host_teacher, en_client):
    client = en_client(host_teacher)
    before = calendar_state(host)
    # the list is readable, without the form
    response = client.get(reverse("timetable:term_list", args=[host.pk]))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert DEMO_TERM in response.content.decode()
    assert reverse("timetable:term_edit", args=[demo_term.pk]) not in response.content.decode()
    # but creating and editing are refused
    assert client.post(reverse("timetable:term_list", args=[host.pk]), term_post()).status_code == 403
    assert client.get(reverse("timetable:term_edit", args=[demo_term.pk])).status_code == 403
    response = client.post(
        reverse("timetable:term_edit", args=[demo_term.pk]),
        term_post(name="改名", start="2026-09-01", end="2027-01-22"),
    )
    assert response.status_code == 403
    assert calendar_state(host) == before


def test_terms_of_another_county_or_school_are_not_found(
    world, host, demo_term, outsider, school_admin, en_client
):
    before = calendar_state(host)
    client = en_client(outsider)
    for url in (
        reverse("timetable:term_list", args=[host.pk]),
        reverse("timetable:term_edit", args=[demo_term.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, term_post(start="2026-09-01", end="2027-01-22")).status_code == 404
    assert calendar_state(host) == before
    # a school admin of the host school does not reach the central school's calendar either
    central = world.schools["central"]
    central_term = Term.objects.get(school=central)
    central_before = calendar_state(central)
    client = en_client(school_admin)
    assert client.get(reverse("timetable:term_list", args=[central.pk])).status_code == 404
    assert client.post(reverse("timetable:term_list", args=[central.pk]), term_post()).status_code == 404
    assert client.post(reverse("timetable:term_edit", args=[central_term.pk]), term_post()).status_code == 404
    assert calendar_state(central) == central_before


# --- the period grid ---------------------------------------------------------------------------------
def grid_post(rows, *, initial: int, delete=()) -> dict:
    """The period formset as the page posts it: rows of (number, start, end), some marked for removal."""
    data = {
        "periods-TOTAL_FORMS": str(len(rows)),
        "periods-INITIAL_FORMS": str(initial),
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "16",
    }
    for index, (number, start, end) in enumerate(rows):
        data[f"periods-{index}-number"] = str(number)
        data[f"periods-{index}-start"] = start
        data[f"periods-{index}-end"] = end
        if number in delete:
            data[f"periods-{index}-DELETE"] = "on"
    return data


HOST_GRID = [
    (1, "08:00", "08:40"),
    (2, "08:50", "09:30"),
    (3, "09:50", "10:30"),
    (4, "10:40", "11:20"),
    (5, "14:00", "14:40"),
    (6, "14:50", "15:30"),
]


def test_the_period_grid_page_shows_the_schools_periods(host, school_admin, en_client):
    response = en_client(school_admin).get(reverse("timetable:period_grid", args=[host.pk]))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [(f.initial["number"], f"{f.initial['start']:%H:%M}") for f in formset.initial_forms] == [
        (n, s) for n, s, _e in HOST_GRID
    ]
    assert len(formset.forms) == len(HOST_GRID) + 2  # two empty rows to add periods


def test_school_admin_changes_a_period_and_adds_one(host, school_admin, en_client):
    period_one = Period.objects.get(school=host, number=1)
    rows = [(1, "08:05", "08:45"), *HOST_GRID[1:], (7, "15:40", "16:20"), ("", "", "")]
    data = grid_post(rows, initial=6)
    response = en_client(school_admin).post(reverse("timetable:period_grid", args=[host.pk]), data)
    redirected(response, reverse("timetable:period_grid", args=[host.pk]))
    grid = [(p.number, f"{p.start:%H:%M}", f"{p.end:%H:%M}") for p in Period.objects.filter(school=host)]
    assert grid == [(1, "08:05", "08:45"), *HOST_GRID[1:], (7, "15:40", "16:20")]
    assert (
        Period.objects.get(school=host, number=1).pk == period_one.pk
    )  # same row: entries keep their period
    assert AuditEvent.objects.filter(action="timetable.periods.updated", actor=school_admin).exists()


def test_an_unused_period_can_be_removed(host, school_admin, en_client):
    assert not TimetableEntry.objects.filter(period__school=host, period__number=6).exists()
    response = en_client(school_admin).post(
        reverse("timetable:period_grid", args=[host.pk]), grid_post(HOST_GRID, initial=6, delete={6})
    )
    redirected(response)
    assert list(Period.objects.filter(school=host).values_list("number", flat=True)) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("rows", "delete", "message"),
    [
        ([(1, "08:00", "08:40"), (2, "08:30", "09:10"), *HOST_GRID[2:]], (), "Periods overlap"),
        ([*HOST_GRID, (3, "16:00", "16:40")], (), "Each period number may appear only once."),
        (HOST_GRID, {3}, "A removed period is still used by class timetables"),
    ],
)
def test_the_actions_objections_are_shown_and_nothing_changes(
    host, school_admin, en_client, rows, delete, message
):
    before = grid_state(host)
    response = en_client(school_admin).post(
        reverse("timetable:period_grid", args=[host.pk]), grid_post(rows, initial=6, delete=delete)
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["action_errors"])
    assert message in response.content.decode()
    assert grid_state(host) == before


def test_a_period_with_scheduled_sync_lessons_is_not_removed(world, host, school_admin, en_client):
    # given: period 3 of the host school has no class timetable cells left, but the English series'
    # lessons are scheduled in it
    for entry in TimetableEntry.objects.filter(period__school=host, period__number=3):
        do_delete_entry(entry, acting_user=None)
    assert Lesson.objects.filter(host_period__school=host, host_period__number=3).exists()
    before = grid_state(host)
    # when
    response = en_client(school_admin).post(
        reverse("timetable:period_grid", args=[host.pk]), grid_post(HOST_GRID, initial=6, delete={3})
    )
    # then: a reason on the page, not a server error, and the grid is as it was
    assert response.status_code == 200
    assert "scheduled sync lessons" in response.content.decode()
    assert grid_state(host) == before


def test_a_period_must_end_after_it_starts(host, school_admin, en_client):
    before = grid_state(host)
    rows = [(1, "08:40", "08:00"), *HOST_GRID[1:]]
    response = en_client(school_admin).post(
        reverse("timetable:period_grid", args=[host.pk]), grid_post(rows, initial=6)
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["end"] == ["A period ends after it starts."]
    assert grid_state(host) == before


def test_a_teacher_sees_the_grid_read_only(host, host_teacher, en_client):
    client = en_client(host_teacher)
    before = grid_state(host)
    response = client.get(reverse("timetable:period_grid", args=[host.pk]))
    assert response.status_code == 200
    assert response.context["formset"] is None
    assert "14:50" in response.content.decode()
    response = client.post(
        reverse("timetable:period_grid", args=[host.pk]), grid_post(HOST_GRID[:2], initial=6)
    )
    assert response.status_code == 403
    assert grid_state(host) == before


def test_the_grid_of_another_county_or_school_is_not_found(world, host, outsider, school_admin, en_client):
    before = grid_state(host)
    url = reverse("timetable:period_grid", args=[host.pk])
    client = en_client(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, grid_post(HOST_GRID[:2], initial=6)).status_code == 404
    assert grid_state(host) == before
    central = world.schools["central"]
    central_before = grid_state(central)
    url = reverse("timetable:period_grid", args=[central.pk])
    assert en_client(school_admin).post(url, grid_post(HOST_GRID[:2], initial=6)).status_code == 404
    assert grid_state(central) == central_before


# --- a class's week ---------------------------------------------------------------------------------------
@pytest.fixture
def host31(world):
    return world.classes["host-31"]


def period(school, number) -> Period:
    return Period.objects.get(school=school, number=number)


def test_the_week_grid_shows_periods_clock_times_and_cells(world, host31, school_admin, en_client):
    response = en_client(school_admin).get(reverse("timetable:class_edit", args=[host31.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["period"].number for row in rows] == [1, 2, 3, 4, 5, 6]
    assert [d for d, _label in response.context["weekdays"]] == [1, 2, 3, 4, 5]
    monday_third = rows[2]["cells"][0]["entry"]
    assert (monday_third.subject, monday_third.teacher) == ("英语", world.people["teacher"])
    assert rows[4]["cells"][1]["entry"] is None
    body = response.content.decode()
    assert "09:50–10:30" in body
    assert "王芳" in body
    assert reverse("timetable:entry_edit", args=[monday_third.pk]) in body
    create = reverse("timetable:entry_create", args=[host31.pk])
    empty = f"{create}?weekday=2&amp;period={period(host31.school, 5).pk}"
    assert empty in body


def test_a_week_grid_without_periods_points_to_the_grid(world, county_admin, en_client):
    # given: a class at a school whose grid was emptied (through the actions)
    junior = world.schools["junior"]
    do_set_period_grid(junior, [], acting_user=None)
    grade = do_save_grade(Grade(school=junior, number=7), acting_user=None)
    class_group = do_save_class_group(ClassGroup(school=junior, grade=grade, name="(1)班"), acting_user=None)
    # when
    response = en_client(county_admin).get(reverse("timetable:class_edit", args=[class_group.pk]))
    # then
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert reverse("timetable:period_grid", args=[junior.pk]) in response.content.decode()


def test_setting_an_empty_cell_creates_the_entry(world, host31, school_admin, en_client):
    client = en_client(school_admin)
    fifth = period(host31.school, 5)
    url = f"{reverse('timetable:entry_create', args=[host31.pk])}?weekday=2&period={fifth.pk}"
    # given: the form opens on the clicked cell, offering this school's teachers and rooms only
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["weekday"].value(), form["period"].value()) == (2, fifth.pk)
    assert set(form.fields["teacher"].queryset) == {world.people[k] for k in ("teacher", "music", "art")}
    assert set(form.fields["classroom"].queryset) == {
        world.classrooms["host-studio"],
        world.classrooms["host-3-1"],
    }
    assert list(form.fields["period"].queryset) == list(Period.objects.filter(school=host31.school))
    # when
    response = client.post(
        url,
        {
            "weekday": 2,
            "period": fifth.pk,
            "subject": "美术",
            "teacher": world.people["art"].pk,
            "classroom": world.classrooms["host-3-1"].pk,
        },
    )
    # then
    redirected(response, reverse("timetable:class_edit", args=[host31.pk]))
    entry = TimetableEntry.objects.get(class_group=host31, weekday=2, period=fifth)
    assert (entry.subject, entry.teacher, entry.classroom) == (
        "美术",
        world.people["art"],
        world.classrooms["host-3-1"],
    )
    assert AuditEvent.objects.filter(action="timetable.entry.created", target_id=str(entry.pk)).exists()


def test_opening_a_taken_cell_edits_it(host31, school_admin, en_client):
    entry = TimetableEntry.objects.get(class_group=host31, weekday=1, period__number=1)
    url = f"{reverse('timetable:entry_create', args=[host31.pk])}?weekday=1&period={entry.period_id}"
    response = en_client(school_admin).get(url)
    assert response.status_code == 302
    assert response.url == reverse("timetable:entry_edit", args=[entry.pk])


def test_teachers_and_rooms_of_another_school_are_refused(world, host31, school_admin, en_client):
    before = timetable_state(host31)
    fifth = period(host31.school, 5)
    url = reverse("timetable:entry_create", args=[host31.pk])
    client = en_client(school_admin)
    response = client.post(
        url,
        {"weekday": 2, "period": fifth.pk, "subject": "数学", "teacher": world.people["central-teacher"].pk},
    )
    assert response.status_code == 200
    assert "teacher" in response.context["form"].errors
    response = client.post(
        url,
        {"weekday": 2, "period": fifth.pk, "subject": "数学", "classroom": world.classrooms["central-4"].pk},
    )
    assert "classroom" in response.context["form"].errors
    response = client.post(
        url, {"weekday": 2, "period": period(world.schools["central"], 5).pk, "subject": "数学"}
    )
    assert "period" in response.context["form"].errors
    assert timetable_state(host31) == before


def test_editing_a_cell_changes_it_but_not_onto_a_taken_cell(world, host31, school_admin, en_client):
    client = en_client(school_admin)
    entry = TimetableEntry.objects.get(class_group=host31, weekday=2, period__number=3)
    url = reverse("timetable:entry_edit", args=[entry.pk])
    data = {"weekday": 2, "period": entry.period_id, "subject": "音乐", "teacher": world.people["music"].pk}
    redirected(client.post(url, data), reverse("timetable:class_edit", args=[host31.pk]))
    entry.refresh_from_db()
    assert (entry.subject, entry.teacher) == ("音乐", world.people["music"])
    assert AuditEvent.objects.filter(action="timetable.entry.updated", target_id=str(entry.pk)).exists()
    # moving it onto Tuesday period 1 (语文) is refused with a reason
    before = timetable_state(host31)
    response = client.post(url, {**data, "period": period(host31.school, 1).pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Tuesday period 1 already has 语文; edit that cell instead."
    ]
    assert timetable_state(host31) == before


def test_clearing_a_cell_deletes_the_entry(host31, school_admin, en_client):
    client = en_client(school_admin)
    entry = TimetableEntry.objects.get(class_group=host31, weekday=4, period__number=4)
    url = reverse("timetable:entry_delete", args=[entry.pk])
    # GET only asks
    response = client.get(url)
    assert response.status_code == 200
    assert TimetableEntry.objects.filter(pk=entry.pk).exists()
    # POST clears
    redirected(client.post(url), reverse("timetable:class_edit", args=[host31.pk]))
    assert not TimetableEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.filter(action="timetable.entry.deleted", target_id=str(entry.pk)).exists()


def test_a_teacher_cannot_edit_a_class_timetable(host31, host_teacher, en_client):
    client = en_client(host_teacher)
    before = timetable_state(host31)
    entry = TimetableEntry.objects.filter(class_group=host31).first()
    fifth = period(host31.school, 5)
    create = reverse("timetable:entry_create", args=[host31.pk])
    data = {"weekday": 2, "period": fifth.pk, "subject": "体育"}
    assert client.get(reverse("timetable:class_edit", args=[host31.pk])).status_code == 403
    assert client.get(create).status_code == 403
    assert client.post(create, data).status_code == 403
    assert client.get(reverse("timetable:entry_edit", args=[entry.pk])).status_code == 403
    assert client.post(reverse("timetable:entry_edit", args=[entry.pk]), data).status_code == 403
    assert client.post(reverse("timetable:entry_delete", args=[entry.pk])).status_code == 403
    assert timetable_state(host31) == before


def test_class_timetables_of_another_county_or_school_are_not_found(
    world, host31, outsider, school_admin, en_client
):
    entry = TimetableEntry.objects.filter(class_group=host31).first()
    before = timetable_state(host31)
    data = {"weekday": 2, "period": period(host31.school, 5).pk, "subject": "体育"}
    urls = [
        reverse("timetable:class_edit", args=[host31.pk]),
        reverse("timetable:entry_create", args=[host31.pk]),
        reverse("timetable:entry_edit", args=[entry.pk]),
        reverse("timetable:entry_delete", args=[entry.pk]),
    ]
    client = en_client(outsider)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    assert timetable_state(host31) == before
    central4 = world.classes["central-4"]
    central_entry = TimetableEntry.objects.filter(class_group=central4).first()
    central_before = timetable_state(central4)
    client = en_client(school_admin)
    assert client.get(reverse("timetable:class_edit", args=[central4.pk])).status_code == 404
    assert client.post(reverse("timetable:entry_delete", args=[central_entry.pk])).status_code == 404
    assert timetable_state(central4) == central_before


# --- links from the organisation pages -----------------------------------------------------------------
def test_school_and_class_pages_link_to_the_set_up(host, host31, school_admin, host_teacher, en_client):
    body = en_client(school_admin).get(reverse("org:school_detail", args=[host.pk])).content.decode()
    assert reverse("timetable:term_list", args=[host.pk]) in body
    assert reverse("timetable:period_grid", args=[host.pk]) in body
    body = en_client(school_admin).get(reverse("org:class_detail", args=[host31.pk])).content.decode()
    assert reverse("timetable:class_edit", args=[host31.pk]) in body
    body = en_client(host_teacher).get(reverse("org:class_detail", args=[host31.pk])).content.decode()
    assert reverse("timetable:class_edit", args=[host31.pk]) not in body

"""A school admin sets up timetables in headless Chromium: the period grid, a class's week, a term.

Each step starts from the school or class page, as a clerk would, and ends with a screenshot for the
docs (timetable-periods, timetable-class-edit, timetable-term).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sanke.timetable.choices import DayKind
from sanke.timetable.models import Period, Term, TimetableEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_school(page, live_server, school):
    page.goto(live_server.url + reverse("org:school_detail", args=[school.pk]))
    expect(page.get_by_test_id("timetable-setup")).to_be_visible()


def test_school_admin_changes_the_period_grid(world, page_for, live_server, screenshot):
    host = world.schools["host"]
    page = page_for("school_admin")
    open_school(page, live_server, host)
    page.get_by_test_id("timetable-setup").get_by_test_id("setup-periods").click()
    rows = page.get_by_test_id("period-row")
    expect(rows).to_have_count(6 + 2)
    expect(page.locator("#id_periods-0-start")).to_have_value("08:00")

    # an overlap is refused with the reason, and nothing changes
    page.fill("#id_periods-1-start", "08:30")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    assert Period.objects.get(school=host, number=2).start == dt.time(8, 50)

    # fixed: period 2 back at 08:50, period 6 ends five minutes later, and a new period 7 is added
    page.fill("#id_periods-1-start", "08:50")
    page.fill("#id_periods-5-end", "15:35")
    page.get_by_test_id("add-period").click()
    expect(rows).to_have_count(6 + 3)
    expect(page.locator("#id_periods-8-number")).to_have_value("7")
    page.fill("#id_periods-8-start", "15:45")
    page.fill("#id_periods-8-end", "16:25")
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    grid = [(p.number, f"{p.start:%H:%M}", f"{p.end:%H:%M}") for p in Period.objects.filter(school=host)]
    assert grid[1] == (2, "08:50", "09:30")
    assert grid[5:] == [(6, "14:50", "15:35"), (7, "15:45", "16:25")]
    expect(page.locator("#id_periods-6-number")).to_have_value("7")
    screenshot(page, "timetable-periods")


def test_school_admin_sets_and_clears_a_cell_of_a_class_timetable(world, page_for, live_server, screenshot):
    class_group = world.classes["host-31"]
    art, room = world.people["art"], world.classrooms["host-3-1"]
    page = page_for("school_admin")
    page.goto(live_server.url + reverse("org:class_detail", args=[class_group.pk]))
    page.get_by_test_id("edit-timetable").click()
    grid = page.get_by_test_id("timetable-grid")
    expect(grid).to_contain_text("09:50–10:30")
    expect(page.get_by_test_id("cell-1-3")).to_contain_text("英语")
    expect(page.get_by_test_id("cell-1-3")).to_contain_text("王芳")

    # set Tuesday period 5, which is empty
    page.get_by_test_id("cell-2-5").click()
    expect(page.locator("#id_weekday")).to_have_value("2")
    page.fill("#id_subject", "美术")
    page.select_option("#id_teacher", str(art.pk))
    page.select_option("#id_classroom", str(room.pk))
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("cell-2-5")).to_contain_text("美术")
    expect(page.get_by_test_id("cell-2-5")).to_contain_text("赵磊")
    entry = TimetableEntry.objects.get(class_group=class_group, weekday=2, period__number=5)
    assert (entry.subject, entry.teacher, entry.classroom) == ("美术", art, room)

    # clear Thursday period 4
    page.get_by_test_id("cell-4-4").click()
    page.get_by_test_id("clear-cell").click()
    expect(page.get_by_test_id("cell-4-4")).not_to_contain_text("语文")
    assert not TimetableEntry.objects.filter(class_group=class_group, weekday=4, period__number=4).exists()
    screenshot(page, "timetable-class-edit")


def test_school_admin_defines_a_term_with_a_holiday(world, page_for, live_server, screenshot):
    host = world.schools["host"]
    page = page_for("school_admin")
    open_school(page, live_server, host)
    page.get_by_test_id("timetable-setup").get_by_test_id("setup-terms").click()
    expect(page.get_by_test_id("term-table")).to_contain_text("2026–2027 学年第一学期")

    form = page.get_by_test_id("term-form")
    form.locator("#id_name").fill("2027 年春季学期")
    form.locator("#id_start").fill("2027-02-22")
    form.locator("#id_end").fill("2027-07-02")
    form.locator("#id_holidays").fill("2027-04-05 清明节\n2027-05-01~2027-05-35 劳动节")
    form.locator("#id_makeup_days").fill("2027-04-25 周一 劳动节调休")
    page.get_by_test_id("save").click()
    # the bad line is named, and nothing is saved
    expect(form.locator(".invalid-feedback")).to_contain_text("2027-05-35")
    assert not Term.objects.filter(school=host, name="2027 年春季学期").exists()

    form.locator("#id_holidays").fill("2027-04-05 清明节\n2027-05-01~2027-05-05 劳动节")
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("term-row")).to_have_count(2)
    expect(page.get_by_test_id("term-table")).to_contain_text("2027-05-01~2027-05-05 劳动节")
    term = Term.objects.get(school=host, name="2027 年春季学期")
    holidays = list(term.days.filter(kind=DayKind.HOLIDAY).values_list("date", flat=True))
    assert holidays == [dt.date(2027, 4, 5), *(dt.date(2027, 5, d) for d in range(1, 6))]
    assert term.days.get(kind=DayKind.MAKEUP).follows_weekday == 1
    screenshot(page, "timetable-term")

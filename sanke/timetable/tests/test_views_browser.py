"""The timetable pages in headless Chromium: a receiving school's week, the lessons of a day, and moving a
lesson — first onto busy periods (the conflicts show, nothing changes), then onto a free slot."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sanke.notifications.models import Notification
from sanke.timetable.actions import do_delete_entry
from sanke.timetable.models import Lesson, Period, TimetableEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_receiving_school_sees_the_lesson_in_its_own_period(world, page_for, live_server, screenshot):
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/timetable/schools/{world.schools['xiajiang'].pk}/")
    grid = page.get_by_test_id("week-grid")
    expect(grid.get_by_test_id("grid-row-3").get_by_test_id("period-clock")).to_have_text("09:45–10:30")
    tuesday_3 = grid.locator("td[data-day='2'][data-period='3']")
    expect(tuesday_3.get_by_test_id("sync-item")).to_contain_text("英语")
    expect(tuesday_3.get_by_test_id("sync-item")).to_contain_text("09:50–10:30")
    expect(grid.locator("td[data-day='1'][data-period='3']")).to_contain_text("数学")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the week page scrolls sideways ({width}px)"
    screenshot(page, "timetable-school-week")
    page.get_by_test_id("class-links").locator("a").first.click()
    expect(page.get_by_test_id("week-grid").locator("td[data-day='4'][data-period='3']")).to_contain_text(
        "英语"
    )


def test_county_admin_moves_a_lesson_from_the_day_page(world, page_for, live_server, screenshot):
    # given 下姜's 四年级 has no maths on Friday period 3 any more: a free slot for everyone
    entry = TimetableEntry.objects.get(class_group=world.classes["xiajiang-4"], weekday=5, period__number=3)
    do_delete_entry(entry, acting_user=None)
    lesson = Lesson.objects.get(date=dt.date(2026, 11, 24), series__subject="英语")
    before = (lesson.date, lesson.starts_at, lesson.host_period_id)
    notifications = Notification.objects.count()
    host_periods = {p.number: p for p in Period.objects.filter(school=world.schools["host"])}

    # when the county admin opens the Tuesday with the English lesson
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/timetable/today/?date=2026-11-24")
    row = page.get_by_test_id("lesson-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("09:50–10:30")
    expect(row).to_contain_text("王芳")
    expect(row).to_contain_text("龙井教学点 三年级(1)班")
    screenshot(page, "timetable-today")

    # and tries period 4 the same day, when 龙井 三年级(1)班 has 语文
    row.locator("a", has_text="英语").click()
    expect(page.get_by_test_id("lesson-date")).to_contain_text("2026-11-24")
    form = page.get_by_test_id("move-form")
    form.locator("#id_date").fill("2026-11-24")
    form.locator("#id_host_period").select_option(str(host_periods[4].pk))
    page.get_by_test_id("move").click()

    # then both conflicts show and nothing changed
    errors = page.get_by_test_id("move-errors")
    expect(errors.locator("li")).to_have_count(2)
    expect(errors).to_contain_text("龙井教学点")
    expect(errors).to_contain_text("下姜教学点")
    expect(errors).to_contain_text("语文")
    screenshot(page, "timetable-lesson-conflict")
    lesson.refresh_from_db()
    assert (lesson.date, lesson.starts_at, lesson.host_period_id) == before
    assert Notification.objects.count() == notifications

    # when they move it to Friday period 3 instead
    form.locator("#id_date").fill("2026-11-27")
    form.locator("#id_host_period").select_option(str(host_periods[3].pk))
    page.get_by_test_id("move").click()

    # then it moved, the page says so, and the receiving schools are notified
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("lesson-date")).to_contain_text("2026-11-27")
    expect(page.get_by_test_id("moved-from")).to_contain_text("2026-11-24 09:50")
    lesson.refresh_from_db()
    assert lesson.date == dt.date(2026, 11, 27)
    assert lesson.starts_at == dt.datetime(2026, 11, 27, 1, 50, tzinfo=dt.UTC)
    new = Notification.objects.order_by("id")[notifications:]
    assert {n.school.name for n in new} == {"千岛湖镇第一小学", "龙井教学点", "下姜教学点"}
    assert all("11-27 09:50" in n.message for n in new)

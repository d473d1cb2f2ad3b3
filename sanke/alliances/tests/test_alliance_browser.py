"""The coordinator's day: define a series for a central school and its two teaching points, schedule it,
accept it, and find it on each school's timetable — in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanke.timetable.choices import SeriesStatus
from sanke.timetable.models import SyncSeries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_series_for_two_teaching_points_is_scheduled_accepted_and_shown(
    world, page_for, live_server, screenshot, job_worker
):
    page = page_for("county_admin")
    page.click("aside .nav-link:has-text('联校')")
    page.click("text=枫树岭中心校教学点联校")
    page.click("text=新建同步课")

    # define the series: music from the central school's studio to both teaching points
    page.fill("#id_subject", "音乐")
    page.select_option("#id_host_teacher", label="林音")
    page.select_option("#id_host_classroom", label="枫树岭镇中心小学 · 枫树岭录播室")
    page.select_option("#id_receiving_classes", label=["龙井教学点 三年级(1)班", "下姜教学点 四年级(1)班"])
    page.fill("#id_lessons_per_week", "2")
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()

    # schedule (a background job; its page shows the result): the co-scheduler proposes two slots that
    # fit all three bell schedules
    page.click("[data-testid=schedule]")
    row = page.locator("tr[data-series]", has_text="音乐")
    expect(row.get_by_test_id("series-status")).to_have_text("已提议时间")
    expect(row.get_by_test_id("series-slots")).to_contain_text("15:00–15:40")
    screenshot(page, "alliance-proposal")

    # accept: the term's lessons are generated
    page.click("[data-testid=accept]")
    expect(row.get_by_test_id("series-status")).to_have_text("已排课")
    series = SyncSeries.objects.get(subject="音乐", alliance__host_school=world.schools["central"])
    assert series.status == SeriesStatus.ACCEPTED and series.lessons.count() > 20

    # each teaching point sees the lesson in its own period on its timetable
    for key, shot in (("longjing", "timetable-week-longjing"), ("xiajiang", "timetable-week-xiajiang")):
        page.goto(f"{live_server.url}/timetable/schools/{world.schools[key].pk}/")
        expect(page.locator("body")).to_contain_text("音乐")
        expect(page.locator("body")).to_contain_text("林音")
        screenshot(page, shot)
    page.goto(f"{live_server.url}/timetable/schools/{world.schools['central'].pk}/")
    expect(page.locator("body")).to_contain_text("音乐")
    screenshot(page, "timetable-week-central")


def test_an_impossible_series_is_explained_in_plain_chinese(
    world, page_for, live_server, screenshot, job_worker
):
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/alliances/")
    page.click("text=枫树岭中心校教学点联校")
    page.click("text=新建同步课")
    page.fill("#id_subject", "美术")
    page.select_option("#id_host_teacher", label="林音")
    page.select_option("#id_host_classroom", label="枫树岭镇中心小学 · 枫树岭录播室")
    page.select_option("#id_receiving_classes", label=["龙井教学点 三年级(1)班", "下姜教学点 四年级(1)班"])
    page.fill("#id_lessons_per_week", "5")
    page.click("[data-testid=save]")
    page.click("[data-testid=schedule]")
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text("下姜教学点 四年级(1)班")
    expect(explanation).to_contain_text("每周需要 5 节，但只有 3 天")  # Mon, Wed, Fri
    expect(explanation).to_contain_text("当天已有同步课")  # Tue and Thu hold the English series
    screenshot(page, "alliance-explanation")

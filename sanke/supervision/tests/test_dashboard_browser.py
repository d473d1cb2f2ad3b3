"""The county admin's drill-down in headless Chromium: county → school → teacher, the chart drawn by the
ECharts module under the strict CSP; a school admin meets a 404 at another school's dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATE = "?date=2026-11-25"


def test_county_admin_drills_down_from_the_county_to_a_school_and_a_teacher(
    world, fortnight, page_for, live_server, screenshot
):
    page = page_for("county_admin")
    # the menu entry leads to the county's dashboard
    page.click("aside [data-nav=dashboard]")
    expect(page.locator(".page-title")).to_contain_text("淳安县")
    page.goto(f"{live_server.url}/dashboard/regions/{world.regions['330127'].pk}/{DATE}")
    expect(page.get_by_test_id("delivery-rate")).to_have_text("50.0%")
    expect(page.get_by_test_id("week-held")).to_have_text("2 / 3")
    expect(page.get_by_test_id("headline")).to_contain_text("开课率")
    expect(page.locator("[data-trend-chart][data-ready='1'] svg")).to_be_visible()
    expect(page.get_by_test_id("warning-count")).to_have_text("3")
    expect(page.get_by_test_id("warnings")).to_contain_text("教师外出培训")
    screenshot(page, "dashboard-county")

    # drill down to the host school
    page.get_by_test_id("breakdown").locator("a", has_text=world.schools["host"].name).click()
    expect(page.locator(".page-title")).to_contain_text(world.schools["host"].name)
    expect(page.get_by_test_id("quota-table")).to_contain_text("王芳")
    expect(page.get_by_test_id("ends")).to_contain_text("2 / 6")
    screenshot(page, "dashboard-school")

    # and to the teacher's record
    page.get_by_test_id("quota-table").locator("a", has_text="王芳").click()
    expect(page.get_by_test_id("record-held")).to_have_text("2 / 5")
    expect(page.get_by_test_id("record-workload")).to_have_text("3.0")
    expect(page.get_by_test_id("facts")).to_contain_text("教师外出培训")
    screenshot(page, "dashboard-teacher-record")
    page.emulate_media(media="print")
    expect(page.locator("aside.navbar-vertical")).to_be_hidden()
    screenshot(page, "dashboard-teacher-record-print")


def test_school_admin_gets_404_at_another_schools_dashboard(world, page_for, live_server):
    page = page_for("school_admin")
    other = world.classrooms["longjing"].school
    response = page.goto(f"{live_server.url}/dashboard/schools/{other.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"{live_server.url}/dashboard/schools/{world.schools['host'].pk}/")
    assert response is not None and response.status == 200

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


def test_county_admin_downloads_the_term_report_as_xlsx_and_pdf(
    world, fortnight, page_for, live_server, screenshot, job_worker, tmp_path
):
    import subprocess

    from openpyxl import load_workbook

    page = page_for("county_admin")
    page.goto(f"{live_server.url}/dashboard/regions/{world.regions['330127'].pk}/{DATE}")
    page.get_by_test_id("make-report").click()
    # the real worker makes it; the job page follows its progress and then offers the files
    expect(page.get_by_test_id("report-xlsx")).to_be_visible(timeout=60_000)
    screenshot(page, "dashboard-report-job")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    xlsx = tmp_path / "report.xlsx"
    download.value.save_as(xlsx)
    book = load_workbook(xlsx)
    summary = book.worksheets[0]
    assert summary["A1"].value == "淳安县学期报告"
    assert [c.value for c in summary[4]][:6] == ["本学期", 4, 2, 1, 1, "50.0%"]
    warnings = book["预警"]
    assert warnings.max_row == 4  # the header and the three ends below 6 a week
    with page.expect_download() as download:
        page.get_by_test_id("report-pdf").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert (
        "淳安县学期报告" in first_page and "本学期每周趋势" in first_page and "千岛湖镇第一小学" in first_page
    )

"""Each role's home page, the language switch and the phone layout, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanke.testing import browser as browsers
from sanke.testing.world import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_admin_home_shows_the_county_and_what_they_can_do(world, page_for, screenshot):
    page = page_for("county_admin")
    expect(page.get_by_test_id("roles")).to_contain_text("淳安县")
    expect(page.get_by_test_id("count-schools")).to_have_text("3")
    for label in ("区域", "学校", "班级", "教室", "人员", "导入", "角色", "政策指标", "审计日志", "系统状态"):
        expect(page.locator("aside .nav-link", has_text=label)).to_be_visible()
    # today's sync lessons, or a friendly empty state on a day without any
    expect(page.locator("[data-testid=todays-lessons], [data-testid=empty-state]").first).to_be_visible()
    screenshot(page, "home-county-admin")


def test_school_admin_home_is_limited_to_their_school(world, page_for, screenshot):
    page = page_for("school_admin")
    expect(page.get_by_test_id("roles")).to_contain_text("千岛湖镇第一小学")
    expect(page.get_by_test_id("count-schools")).to_have_text("1")
    expect(page.locator("aside .nav-link", has_text="系统状态")).to_have_count(0)
    screenshot(page, "home-school-admin")
    page.click("aside .nav-link:has-text('学校')")
    page.click("text=千岛湖镇第一小学")
    expect(page.get_by_test_id("class-table")).to_contain_text("三年级(1)班")
    expect(page.get_by_test_id("classroom-table")).to_contain_text("录播教室")
    screenshot(page, "school-detail")


def test_teacher_home_has_no_admin_tools(world, page_for, screenshot):
    page = page_for("teacher")
    expect(page.get_by_test_id("roles")).to_contain_text("教师")
    expect(page.locator("aside .nav-link", has_text="导入")).to_have_count(0)
    expect(page.locator("aside .nav-link", has_text="角色")).to_have_count(0)
    screenshot(page, "home-teacher")


# a Monday afternoon: the screen counts down to Tuesday's English lesson (a minute before a lesson, and
# during it, the screen goes to the lesson room by itself)
@pytest.mark.clock("2026-11-23 15:00")
def test_classroom_terminal_shows_a_big_screen_without_menus(world, page_for, screenshot):
    page = page_for("terminal_longjing", viewport={"width": 1920, "height": 1080})
    expect(page.get_by_test_id("terminal-clock")).to_have_text(__import__("re").compile(r"\d{2}:\d{2}:\d{2}"))
    expect(page.get_by_test_id("terminal-next")).to_be_visible()
    expect(page.locator("aside")).to_have_count(0)
    expect(page.locator(".page-title")).to_contain_text("龙井教学点教室")
    screenshot(page, "home-terminal")


def test_guardian_sees_their_child_and_nothing_else(world, page_for, screenshot):
    page = page_for("guardian")
    expect(page.get_by_test_id("wards")).to_contain_text("李明")
    expect(page.locator("aside .nav-link")).to_have_count(1)  # home only
    screenshot(page, "home-guardian")
    response = page.goto(page.url.rstrip("/") + "/org/schools/")
    assert response.status == 403


def test_student_home_shows_their_class(world, page_for, screenshot):
    page = page_for("student")
    expect(page.locator("body")).to_contain_text("三年级(1)班")
    screenshot(page, "home-student")


def test_english_is_available(world, page_for):
    page = page_for("county_admin", language="en")
    expect(page.locator("aside .nav-link", has_text="Schools")).to_be_visible()
    expect(page.get_by_test_id("roles")).to_contain_text("Bureau administrator")
    page.select_option("[data-testid=language]", "zh-hans")
    expect(page.locator("aside .nav-link", has_text="学校")).to_be_visible()


def test_pages_fit_a_phone(world, page_for, screenshot):
    page = page_for("county_admin", viewport={"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the home page scrolls sideways on a phone ({width}px)"
    expect(page.locator(".navbar-toggler")).to_be_visible()
    screenshot(page, "home-phone")


def test_bureau_admin_overrides_a_policy_target(world, page_for, screenshot, live_server):
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/policy/")
    row = page.locator("tr[data-region='330127']")
    expect(row).to_contain_text("6")
    page.click("[data-testid=edit-policy-330127]")
    page.fill("#id_screen_time_limit_minutes", "15")
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("tr[data-region='330127'] strong", has_text="15")).to_be_visible()
    screenshot(page, "policy")


def test_login_lockout_is_explained_in_chinese(world, browser, live_server):
    context = browsers.new_context(browser)
    page = context.new_page()
    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "teacher")
        page.fill("#id_password", "wrong-Pass1")
        page.click("button[type=submit]")
    expect(page.get_by_test_id("locked-out")).to_contain_text("登录失败次数过多")
    context.close()


def test_school_admin_unlocks_a_teacher_in_the_browser(world, page_for, browser, live_server, screenshot):
    # the teacher locks themselves out
    context = browsers.new_context(browser)
    teacher_page = context.new_page()
    for _ in range(5):
        teacher_page.goto(f"{live_server.url}/accounts/login/")
        teacher_page.fill("#id_username", "teacher")
        teacher_page.fill("#id_password", "wrong-Pass1")
        teacher_page.click("button[type=submit]")
    # the school admin sees the lock and lifts it
    page = page_for("school_admin")
    page.click("aside .nav-link:has-text('账号')")
    row = page.locator("tr[data-username='teacher']")
    expect(row.get_by_test_id("locked")).to_be_visible()
    screenshot(page, "accounts")
    row.locator("button[value=unlock]").click()
    expect(page.locator(".alert-success")).to_contain_text("teacher")
    expect(page.locator("tr[data-username='teacher'] [data-testid=locked]")).to_have_count(0)
    # and the teacher gets in
    teacher_page.goto(f"{live_server.url}/accounts/login/")
    teacher_page.fill("#id_username", "teacher")
    teacher_page.fill("#id_password", DEMO_PASSWORD)
    teacher_page.click("button[type=submit]")
    expect(teacher_page.get_by_test_id("roles")).to_be_visible()
    context.close()


def test_county_admin_opens_an_account_for_a_colleague(world, page_for, live_server):
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/accounts/new/")
    page.fill("#id_username", "jiaoyan_li")
    page.fill("#id_display_name", "县教研员 李老师")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "short")
    page.select_option("#id_role", "researcher")
    page.select_option("#id_region", label="淳安县")
    page.click("[data-testid=save]")
    expect(
        page.locator(".invalid-feedback, [data-testid=form-errors]").first
    ).to_be_visible()  # weak password
    page.fill("#id_password1", "Jiaoyan#2026")
    page.fill("#id_password2", "Jiaoyan#2026")
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("role-table")).to_contain_text("jiaoyan_li")

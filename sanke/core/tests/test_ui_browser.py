"""Behaviour that pages declare in their markup (static/sanke/ui.js, terminal-home.js): a question before
a destructive action, a form's cancel link, the terminal's countdown that joins the lesson by itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sanke.accounts.models import RoleAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_revoking_a_role_asks_first_and_a_no_changes_nothing(world, page_for, live_server):
    inspector = world.users["inspector"]
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/accounts/roles/?q={inspector.username}")
    row = page.get_by_test_id("role-table").locator("tr", has_text=inspector.username)
    questions = []

    def answer(accept):
        def on_dialog(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return on_dialog

    page.once("dialog", answer(False))
    row.get_by_role("button", name="撤销").click()
    expect(row).to_be_visible()
    assert questions == ["确定撤销该角色吗？"]
    assert RoleAssignment.objects.filter(user=inspector).exists()

    page.once("dialog", answer(True))
    row.get_by_role("button", name="撤销").click()
    expect(page.get_by_test_id("role-table").locator("tr", has_text=inspector.username)).to_have_count(0)
    assert len(questions) == 2
    assert not RoleAssignment.objects.filter(user=inspector).exists()


def test_cancel_on_a_form_goes_back_to_the_page_before(world, page_for, live_server):
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/org/schools/?q=千岛湖")
    page.click("text=新建学校")
    expect(page.get_by_test_id("save")).to_be_visible()
    page.click("text=取消")
    expect(page).to_have_url(re.compile(r"/org/schools/\?q="))


# ten minutes before Tuesday's English lesson (period 3 at the host school, 09:50): the countdown shows the
# time left; when the page's clock reaches a minute before the start, the screen joins the lesson by itself
@pytest.mark.clock("2026-11-24 09:40:00")
def test_the_terminal_counts_down_and_joins_the_lesson_a_minute_before(world, page_for):
    page = page_for("terminal_longjing", viewport={"width": 1920, "height": 1080})
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^(\d|10)分 \d+秒$"))
    expect(page.get_by_test_id("terminal-clock")).to_have_text(re.compile(r"09:4[0-3]:\d{2}"))
    assert "/live/lessons/" not in page.url
    page.clock.fast_forward("09:00")  # 09:49 or a little later: less than a minute to go
    page.wait_for_url(re.compile(r"/live/lessons/\d+/$"))
    expect(page.locator("[data-remote=host]")).to_be_attached()

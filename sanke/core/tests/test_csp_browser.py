"""The Content-Security-Policy in a real browser: the harness catches violations and page errors, and the
pages outside Sanke's own templates (Django's admin, the browsable API, the error pages) run under the
policy without one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanke.testing import browser as browsers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.ranInline = true";
  document.body.append(script);
  const styled = document.createElement("div");
  styled.setAttribute("style", "color: red");
  document.body.append(styled);
  setTimeout(() => { throw new Error("boom from a page") }, 0);
}"""


def test_the_harness_records_csp_violations_and_page_errors(world, browser, live_server):
    # given pages watched as every test's pages are
    problems = browsers.PageProblems()
    context = browser.new_context()
    problems.watch(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    # when the page runs an inline script, sets a style attribute and throws
    page.evaluate(INLINE_SCRIPT)
    page.wait_for_timeout(200)
    problems.settle()
    # then the policy refused the script and the style, and all three were recorded
    assert page.evaluate("window.ranInline === undefined")
    context.close()
    text = "\n".join(problems.found)
    assert "script-src" in text
    assert "style-src" in text
    assert "boom from a page" in text


@pytest.mark.page_problems_allowed(r"boom from a page")
def test_a_test_may_allow_the_problem_it_provokes_and_only_that(world, page_for, live_server):
    page = page_for("county_admin")
    page.evaluate('() => setTimeout(() => { throw new Error("boom from a page") }, 0)')
    page.wait_for_timeout(200)
    assert browsers.page_problems() == []
    page.evaluate('() => setTimeout(() => { throw new Error("another") }, 0)')
    page.wait_for_timeout(200)
    assert [p for p in browsers.page_problems() if "another" in p]
    browsers.watch_pages()  # forget it, or this test would fail


@pytest.fixture
def superuser(transactional_db):
    from sanke.accounts.models import User

    return User.objects.create_superuser("root", password="Root#Pass1")


def under_the_policy(response):
    """The page came with the strict policy (the harness then fails the test on any violation)."""
    assert "script-src 'self';" in response.headers["content-security-policy"]


def test_django_admin_runs_under_the_policy(world, superuser, browser, live_server):
    page = browsers.open_as(browser, live_server.url, superuser, "/django-admin/")
    expect(page.locator("#site-name")).to_be_visible()
    paths = (
        "/django-admin/accounts/user/",
        f"/django-admin/accounts/user/{superuser.pk}/change/",
        "/django-admin/org/school/add/",
    )
    for path in paths:
        under_the_policy(page.goto(live_server.url + path))
        expect(page.locator("#content")).to_be_visible()
    page.context.close()


def test_the_browsable_api_runs_under_the_policy(world, county_admin, browser, live_server):
    page = browsers.open_as(browser, live_server.url, county_admin, "/api/v1/")
    expect(page.locator(".response-info")).to_be_visible()
    under_the_policy(page.goto(live_server.url + "/api/v1/schools/"))
    expect(page.locator(".response-info")).to_be_visible()
    page.context.close()


def test_a_missing_page_shows_the_chinese_error_page(world, page_for, live_server):
    page = page_for("teacher")
    response = page.goto(f"{live_server.url}/org/schools/999999/")
    assert response.status == 404
    under_the_policy(response)
    expect(page.get_by_test_id("error-title")).to_have_text("找不到这个页面")
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(f"{live_server.url}/")

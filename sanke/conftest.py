"""Fixtures of the whole suite; what they do lives in ``sanke.testing`` (see docs/testing.md).

``world`` is the demo county, built once per session and rolled back after every test; the personas
(STYLE.md) are its named logins: ``county_admin``, ``school_admin``, ``host_teacher``, ``receiver_terminal``,
``student``, ``guardian``, ``inspector``, and the ``outsider`` (a bureau admin of another county).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sanke.testing import browser as browsers
from sanke.testing import clock as clocks
from sanke.testing.event_logs import save_event_logs
from sanke.testing.personas import persona
from sanke.testing.world import (
    SHARED,
    build_world,
    forget_instance_caches,
    is_transactional,
    needs_shared_world,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright inside live-server tests

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


# --- the shared world ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test database, with the demo world built into it once if any test will want it."""
    SHARED.start(django_db_blocker, needed=any(needs_shared_world(item) for item in request.session.items))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures: empty the tables for a transactional test, rebuild the world after;
    watch the browser pages the test opens for page errors and CSP violations."""
    SHARED.before_test(item)
    allowed = [p for mark in item.iter_markers("page_problems_allowed") for p in mark.args]
    browsers.watch_pages(tuple(allowed))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test that passed: fail it if its pages had errors or CSP violations; then, while its data is
    still there, keep its lessons' event logs (the page reducer's test replays them, see
    sanke/testing/event_logs.py)."""
    result = yield
    problems = browsers.page_problems()
    if problems:
        pytest.fail("the test's pages had errors or CSP violations:\n" + "\n".join(problems), pytrace=False)
    save_event_logs(item.nodeid)
    return result


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    browsers.stop_watching()


def pytest_terminal_summary(terminalreporter):
    if SHARED.builds or SHARED.flushes:
        terminalreporter.write_line(SHARED.summary())


@pytest.fixture
def world(request, db):
    """The demo county: a fresh copy of the session's world (rolled back after the test); transactional
    tests (live server, channels) commit, so they get a world built for them, as its only user."""
    if is_transactional(request.node):
        return forget_instance_caches(build_world())
    return SHARED.copy()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings, request):
    """Argon2 is the production hasher (tested on its own); tests that create many users use a fast one."""
    if "real_hasher" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_process_caches():
    """Caches that a rollback does not undo (rate limits in Django's cache) start empty in every test."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (Chinese). A request through the test client activates the
    language it negotiated (an English cookie, say) in the thread and leaves it active after the response,
    so code a later test calls directly would otherwise speak the previous test's language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def pinned_clock(request, monkeypatch):
    """The moment of ``@pytest.mark.clock("YYYY-MM-DD HH:MM")`` (school time), or None without the mark."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        return None
    return clocks.install(monkeypatch, clocks.school_time(marker.args[0]))


# --- personas --------------------------------------------------------------------------------------------
county_admin = persona("county_admin")
school_admin = persona("school_admin")
host_teacher = persona("host_teacher")
receiver_terminal = persona("receiver_terminal")
student = persona("student")
guardian = persona("guardian")
inspector = persona("inspector")
outsider = persona("outsider")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- browsers --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright driver per test session (a second sync driver in the same process is refused)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def _launch(playwright, *, media=False):
    try:
        return browsers.launch_chromium(playwright, media=media)
    except browsers.ChromiumMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture(scope="session")
def browser(playwright_session):
    """One headless Debian Chromium for the session (never a downloaded browser)."""
    browser = _launch(playwright_session)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def media_browser(playwright_session):
    """Chromium with a fake camera and microphone, for live lessons (see shared/recipes/media.md)."""
    browser = _launch(playwright_session, media=True)
    yield browser
    browser.close()


@pytest.fixture
def page_for(browser, live_server, pinned_clock):
    """``page_for(username)``: a new browser context logged in through the real login page (its clock
    pinned too when the test has ``@pytest.mark.clock``)."""
    pages = []

    def open_page(username, *, password=None, viewport=None, language="zh-hans"):
        page = browsers.login_page(
            browser,
            live_server.url,
            username,
            password=password,
            viewport=viewport,
            language=language,
            clock=pinned_clock.now() if pinned_clock else None,
        )
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()


@pytest.fixture
def blank_page(browser, pinned_clock):
    """``blank_page(viewport=…)``: a page of a new context with nobody logged in (clock pinned as above)."""
    contexts = []

    def open_page(*, viewport=None):
        context = browsers.new_context(
            browser, viewport=viewport, clock=pinned_clock.now() if pinned_clock else None
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: save a full-page PNG into docs/screenshots (the README shows them)."""

    def take(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return str(path)

    return take


# --- background jobs (imports, co-scheduling) ---------------------------------------------------------
@pytest.fixture
def jobs_run_inline(monkeypatch):
    """Background jobs run at once inside the request that submits them, as the worker would run them.

    Pages queue a Celery job after their transaction commits; a test's transaction never commits, so
    without this the job would wait forever. The job page then shows the result.
    """
    from sanke.core import jobs

    monkeypatch.setattr(jobs, "schedule", jobs.run_now)


@pytest.fixture
def job_worker(django_db_setup):
    """A real Celery worker on the test database, for the tests that follow a job end to end."""
    from django.db import connection

    from sanke.testing.worker import celery_worker_on

    with celery_worker_on(connection.settings_dict["NAME"]) as process:
        yield process


@pytest.fixture
def import_worker(job_worker):
    """The import tests' name for ``job_worker``."""
    return job_worker

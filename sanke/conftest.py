"""Shared test world: the demo county, built through the real actions, with named personas.

Personas (as in STYLE.md): ``county_admin``, ``school_admin``, ``host_teacher``, ``receiver_terminal``,
``student``, ``guardian``, ``inspector``, and the ``outsider`` (a bureau admin of another county).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright inside live-server tests

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings, request):
    """Argon2 is the production hasher (tested on its own); tests that create many users use a fast one."""
    if "real_hasher" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """The demo county. Transactional tests (live server) flush the tables between tests, which also
    removes the national policy baseline that a data migration created; put it back the same way."""
    from sanke.core.demo import load_demo
    from sanke.policy.actions import do_ensure_national_baseline

    do_ensure_national_baseline()
    return load_demo()


def _user(world, name):
    return world.users[name]


@pytest.fixture
def county_admin(world):
    return _user(world, "county_admin")


@pytest.fixture
def school_admin(world):
    return _user(world, "school_admin")


@pytest.fixture
def host_teacher(world):
    return _user(world, "teacher")


@pytest.fixture
def receiver_terminal(world):
    return _user(world, "terminal_longjing")


@pytest.fixture
def student(world):
    return _user(world, "student")


@pytest.fixture
def guardian(world):
    return _user(world, "guardian")


@pytest.fixture
def inspector(world):
    return _user(world, "inspector")


@pytest.fixture
def outsider(world):
    return _user(world, "outsider_admin")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


MEDIA_ARGS = [
    *BROWSER_ARGS,
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--allow-loopback-in-peer-connection",
]


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright driver per test session (a second sync driver in the same process is refused)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def _chromium(playwright, args):
    executable = os.environ.get("SANKE_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}: run scripts/system_deps.sh --test")
    return playwright.chromium.launch(executable_path=executable, headless=True, args=args)


@pytest.fixture(scope="session")
def browser(playwright_session):
    """One headless Debian Chromium for the session (never a downloaded browser)."""
    browser = _chromium(playwright_session, BROWSER_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def media_browser(playwright_session):
    """Chromium with a fake camera and microphone, for live lessons (see shared/recipes/media.md)."""
    browser = _chromium(playwright_session, MEDIA_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """``page_for(username)``: a new browser context logged in through the real login page."""
    contexts = []

    def open_page(username, *, password=None, viewport=None, language="zh-hans"):
        from sanke.core.demo import DEMO_PASSWORD

        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 860}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        if language != "zh-hans":
            page.click(f"button[value='{language}']")
        page.fill("#id_username", username)
        page.fill("#id_password", password or DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_page
    for context in contexts:
        context.close()


SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "screenshots")


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: save a full-page PNG into docs/screenshots (the README shows them)."""

    def take(page, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return take

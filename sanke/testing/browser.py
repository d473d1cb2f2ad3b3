"""Headless Debian Chromium through Playwright: the launch arguments, and pages logged in as someone.

One sync Playwright driver serves a whole test session (a second one in the same process is refused), and
never a downloaded browser: ``SANKE_CHROMIUM`` or /usr/bin/chromium (``scripts/system_deps.sh --test``).
Importing this module needs no configured Django (the network-namespace scenarios set it up later).
"""

from __future__ import annotations

import datetime as dt
import os

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# live lessons: a fake camera and microphone, no throttling of background pages, WebRTC on loopback
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
VIEWPORT = {"width": 1280, "height": 860}


class ChromiumMissing(RuntimeError):
    pass


def chromium_executable() -> str:
    executable = os.environ.get("SANKE_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        raise ChromiumMissing(f"Chromium not found at {executable}: run scripts/system_deps.sh --test")
    return executable


def browser_environment() -> dict[str, str] | None:
    """Chromium's environment under ``scripts/test_dates.sh`` (libfaketime), or None to inherit ours.

    The script keeps the monotonic clock real (``FAKETIME_DONT_FAKE_MONOTONIC``), or Python's lock waits
    hang. In that mode libfaketime 0.9.10 makes every clock read slow, and Chromium reads the clock in many
    threads: a page took 12 s to load and every browser test timed out. Chromium has no such lock waits, so
    it gets libfaketime with a faked monotonic clock (without the script's sleep fix, which is for a real
    one): its wall clock still reads the faked date, and pages load as fast as without libfaketime.
    """
    if "FAKETIME" not in os.environ or "FAKETIME_DONT_FAKE_MONOTONIC" not in os.environ:
        return None
    env = {key: value for key, value in os.environ.items() if key != "FAKETIME_DONT_FAKE_MONOTONIC"}
    env["LD_PRELOAD"] = ":".join(lib for lib in env.get("LD_PRELOAD", "").split(":") if "libfaketime" in lib)
    return env


def launch_chromium(playwright, *, media: bool = False):
    """Headless Debian Chromium; with ``media``, a fake camera and microphone for live lessons."""
    return playwright.chromium.launch(
        executable_path=chromium_executable(),
        headless=True,
        args=MEDIA_ARGS if media else BROWSER_ARGS,
        env=browser_environment(),
    )


def new_context(browser, *, viewport=None, locale: str = "zh-CN", clock: dt.datetime | None = None):
    """A fresh browser context (its own cookies); with ``clock``, the pages' clock starts at that moment."""
    context = browser.new_context(viewport=viewport or VIEWPORT, locale=locale)
    if clock is not None:
        context.clock.install(time=clock)
    return context


def login_page(
    browser,
    base_url: str,
    username: str,
    *,
    password: str | None = None,
    viewport=None,
    language: str = "zh-hans",
    clock: dt.datetime | None = None,
):
    """A page of a new context, logged in as ``username`` through the real login page."""
    from sanke.testing.world import DEMO_PASSWORD

    context = new_context(browser, viewport=viewport, clock=clock)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    if language != "zh-hans":
        page.click(f"button[value='{language}']")
    page.fill("#id_username", username)
    page.fill("#id_password", password or DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def session_cookie(user, base_url: str) -> dict:
    """A session cookie for ``user``, made here without a login page (the server checks it as any other).

    Make cookies before Playwright's sync API starts on this thread if the database is needed meanwhile:
    Django refuses database calls from inside its event loop.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def open_as(browser, base_url: str, user, path: str, *, viewport=None, cookie: dict | None = None):
    """A page of a new context with ``user``'s session cookie, opened at ``path``."""
    context = new_context(browser, viewport=viewport or {"width": 1280, "height": 800})
    context.add_cookies([cookie or session_cookie(user, base_url)])
    page = context.new_page()
    page.goto(base_url + path)
    return page

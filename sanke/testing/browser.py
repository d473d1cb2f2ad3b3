"""Headless Debian Chromium through Playwright: the launch arguments, and pages logged in as someone.

One sync Playwright driver serves a whole test session (a second one in the same process is refused), and
never a downloaded browser: ``SANKE_CHROMIUM`` or /usr/bin/chromium (``scripts/system_deps.sh --test``).
Importing this module needs no configured Django (the network-namespace scenarios set it up later).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time

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


# --- what went wrong in a test's pages -------------------------------------------------------------------
# Every `securitypolicyviolation` the page sees is reported to Python (the DOM event, not only the console
# line, so a violation is caught even when Chromium logs it under another wording).
_VIOLATION_LISTENER = """
window.addEventListener("securitypolicyviolation", (e) => {
  const where = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : "";
  const what = `${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`;
  window.sankeCspViolation(`${what}${where} ${e.sample || ""}`);
}, true);
"""
_CSP_CONSOLE = re.compile(
    r"Content Security Policy|Refused to (execute|load|apply|connect|evaluate|frame)", re.IGNORECASE
)


class PageProblems:
    """Page errors (uncaught exceptions, unhandled rejections) and CSP violations in a test's pages.

    The suite fails a test whose pages had any (``sanke/conftest.py``), so a script that throws or an inline
    script or style that the policy refuses cannot pass unnoticed behind a test that checks something else.
    A test that provokes one on purpose names it with ``@pytest.mark.page_problems_allowed(pattern, …)``.
    """

    def __init__(self, allowed: tuple[str, ...] = ()) -> None:
        self.allowed = [re.compile(pattern) for pattern in allowed]
        self.found: list[str] = []
        self.contexts: list = []

    def add(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self.allowed):
            self.found.append(problem)

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.expose_binding(
            "sankeCspViolation",
            lambda source, text: self.add(f"CSP violation on {source['page'].url}: {text}"),
        )
        context.add_init_script(_VIOLATION_LISTENER)
        context.on("page", self._watch_page)

    def _watch_page(self, page) -> None:
        page.on("pageerror", lambda error: self.add(f"page error on {page.url}: {error}\n{error.stack}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message) -> None:
        if message.type == "error" and _CSP_CONSOLE.search(message.text):
            self.add(f"CSP console error on {page.url}: {message.text}")

    def settle(self) -> None:
        """Let Playwright deliver what the open pages reported so far (events arrive with its next call)."""
        for context in self.contexts:
            for page in list(context.pages):
                try:
                    page.evaluate("0")
                except Exception:  # noqa: BLE001 - a closed or navigating page has nothing more to say
                    pass


_watching: PageProblems | None = None


def watch_pages(allowed: tuple[str, ...] = ()) -> PageProblems:
    """From now on, every context ``new_context`` makes is watched (until ``stop_watching``)."""
    global _watching
    _watching = PageProblems(allowed)
    return _watching


def page_problems() -> list[str]:
    """What the watched pages reported since ``watch_pages``."""
    if _watching is None:
        return []
    _watching.settle()
    return list(_watching.found)


def stop_watching() -> None:
    global _watching
    _watching = None


def new_context(browser, *, viewport=None, locale: str = "zh-CN", clock: dt.datetime | None = None):
    """A fresh browser context (its own cookies); with ``clock``, the pages' clock starts at that moment.

    Inside a test its pages are watched for page errors and CSP violations (``PageProblems``).
    """
    context = browser.new_context(viewport=viewport or VIEWPORT, locale=locale)
    if _watching is not None:
        _watching.watch(context)
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


def wait_until(page, expression: str, timeout: float = 30000) -> None:
    """Poll ``expression`` with ``page.evaluate`` until it is truthy.

    Playwright's ``wait_for_function`` evaluates its text with ``eval`` inside the page, which the platform's
    Content-Security-Policy (no 'unsafe-eval') refuses; ``evaluate`` goes through the DevTools protocol."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout / 1000:.0f} s: {expression}")
        time.sleep(0.1)

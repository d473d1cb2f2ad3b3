"""A live lesson through Janus, run inside a private network namespace (see test_janus_lesson.py).

Janus (libnice) gathers no ICE candidates on loopback, so this scenario runs in a namespace of its own
(`unshare -n`) with a veth pair: Janus gathers on v0, Chromium reaches it there, and the platform, its
database (SQLite) and the browser all live inside the namespace. It prints one JSON line with the
frames each side decoded.

Run by the test as: unshare -n python -m sanke.live.tests.janus_lesson
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sanke.testing.browser import launch_chromium, open_as, session_cookie, wait_until
from sanke.testing.servers import platform_server, wait_for_http

ROOT = Path(__file__).resolve().parents[3]
HTTP_PORT, WS_PORT, WEB_PORT = 18088, 18188, 18000
FRAMES = """(key) => (async () => {
  const pc = window.sankeLive.peers[key];
  if (!pc) return 0;
  let frames = 0;
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "video") frames = r.framesDecoded || 0;
  });
  return frames;
})()"""


def network() -> None:
    for command in (
        "ip link set lo up",
        "ip link add v0 type veth peer name v1",
        "ip addr add 10.99.0.1/24 dev v0",
        "ip addr add 10.99.0.2/24 dev v1",
        "ip link set v0 up",
        "ip link set v1 up",
    ):
        subprocess.run(command.split(), check=True)


def rising(page, key, seconds=40) -> list[int]:
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(page.evaluate(FRAMES, key))
        if len(seen) >= 2 and seen[-1] >= 30 and seen[-1] > seen[-2]:
            break
        time.sleep(1)
    return seen[-2:]


def interaction(pages, rooms) -> dict:
    """Stage (连麦), a quiz round trip and a dropped classroom, on the Janus backend."""
    host, longjing, xiajiang = pages["host"], pages["longjing"], pages["xiajiang"]
    # bring 龙井 on stage: 下姜 now also sees and hears it
    host.click(f"[data-stage='{rooms['longjing']}']")
    stage = rising(xiajiang, f"classroom-{rooms['longjing']}")
    # and off stage again: 下姜 unsubscribes, its stage picture clears
    host.click(f"[data-stage='{rooms['longjing']}']")
    wait_until(
        xiajiang,
        f"!window.sankeLive.peers['classroom-{rooms['longjing']}']"
        " && !document.querySelector('[data-remote=stage]').srcObject",
        timeout=20000,
    )
    # quiz: each classroom's counts reach the host
    host.fill("[data-form=quiz] [name=question]", "3 + 4 = ?")
    host.fill("[data-form=quiz] [name=options]", "6 7 8")
    host.click("[data-testid=quiz-start]")
    for page, count in ((longjing, "10"), (xiajiang, "7")):
        page.wait_for_selector("[data-testid=quiz-panel]:not(.d-none)")
        page.fill("input[data-option='7']", count)
        page.click("[data-testid=quiz-answer]")
    wait_until(host, "Object.keys(window.sankeLive.state.quizzes[1].tallies).length === 2")
    tally = host.evaluate("window.sankeLive.state.quizzes[1].tallies")
    # 下姜 drops its connection and comes back; what was said meanwhile arrives
    xiajiang.evaluate("window.sankeLive.reconnect()")
    host.fill("[data-form=chat] [name=text]", "请看黑板")
    host.click("[data-form=chat] button")
    wait_until(xiajiang, "window.sankeLive.state.chat.some((m) => m.text === '请看黑板')", timeout=20000)
    return {"stage": stage, "unstaged": True, "tally": tally, "resumed": True}


def demo_lesson(*, backend: str, janus: bool = False):
    """Set up Django on a fresh SQLite database in a temp folder, load the demo county and make the English
    lesson of 2026-11-24 start now. Returns (env for the server, world, lesson, extra terminal user)."""
    var = Path(tempfile.mkdtemp(prefix="sanke-netns-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SANKE_DATABASE_URL",
            "SANKE_REDIS_URL",
            "SANKE_CELERY_BROKER_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "SANKE_VAR_DIR": str(var),
            "SANKE_MEDIA_BACKEND": backend,
            "DJANGO_SETTINGS_MODULE": "sanke.settings",
        }
    )
    if janus:
        env.update(
            {
                "SANKE_JANUS_URL": f"http://127.0.0.1:{HTTP_PORT}/janus",
                "SANKE_JANUS_WS_URL": f"ws://127.0.0.1:{WS_PORT}/",
            }
        )
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from sanke.accounts.actions import do_create_account, do_grant_role
    from sanke.accounts.choices import Role
    from sanke.testing.world import build_world
    from sanke.timetable.models import Lesson

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    world = build_world()
    xiajiang = do_create_account(
        username="terminal_xiajiang", password="Term#Pass1", must_change_password=False, acting_user=None
    )
    do_grant_role(xiajiang, Role.CLASSROOM_TERMINAL, classroom=world.classrooms["xiajiang"], acting_user=None)
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=39)
    )
    return env, world, lesson, xiajiang


@contextlib.contextmanager
def serve(env):
    """The platform (uvicorn, ASGI with WebSockets) inside the namespace."""
    with platform_server(env, port=WEB_PORT) as base:
        yield base


def cookies_for(users: dict, base: str) -> dict:
    """Session cookies per participant; made before Playwright starts (its event loop forbids DB calls)."""
    return {name: session_cookie(user, base) for name, user in users.items()}


def open_pages(playwright, base, lesson, cookies: dict):
    """One browser context per participant, logged in by session cookie, on the lesson room page."""
    browser = launch_chromium(playwright, media=True)
    pages = {
        name: open_as(browser, base, None, f"/live/lessons/{lesson.pk}/", cookie=cookies[name])
        for name in cookies
    }
    return browser, pages


def main() -> int:
    network()
    env, world, lesson, xiajiang = demo_lesson(backend="janus", janus=True)
    from django.conf import settings

    from sanke.live.media.config import janus_config

    var = Path(env["SANKE_VAR_DIR"])
    config = janus_config(  # as `make run` writes it: signed tokens only, rooms created by the platform only
        var / "janus",
        http_port=HTTP_PORT,
        ws_port=WS_PORT,
        rtp_range="20000-20999",
        interface="v0",
        token_secret=settings.SANKE_JANUS_TOKEN_SECRET,
        admin_key=settings.SANKE_JANUS_ADMIN_KEY,
    )
    janus = subprocess.Popen(
        ["janus", "-F", str(config.parent), "-C", str(config), "-L", str(var / "janus.log"), "-o"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{HTTP_PORT}/janus/info", process=janus)
        with serve(env) as base:
            from playwright.sync_api import sync_playwright

            users = {
                "host": world.users["teacher"],
                "longjing": world.users["terminal_longjing"],
                "xiajiang": xiajiang,
            }
            rooms = {"longjing": world.classrooms["longjing"].pk, "xiajiang": world.classrooms["xiajiang"].pk}
            cookies = cookies_for(users, base)
            with sync_playwright() as playwright:
                browser, pages = open_pages(playwright, base, lesson, cookies)
                backend = pages["host"].evaluate("window.sankeLive.cfg.backend")
                # before 开始上课 no page holds a room, a PIN or a token: only where to ask for its ticket
                waiting = all(
                    page.evaluate("window.sankeLive.cfg.janus === undefined && !!window.sankeLive.cfg.media")
                    for page in pages.values()
                )
                pages["host"].click("[data-action=start]")
                links = [
                    ("host", f"classroom-{rooms['longjing']}"),
                    ("host", f"classroom-{rooms['xiajiang']}"),
                    ("longjing", "host"),
                    ("xiajiang", "host"),
                ]
                frames = {f"{name}<-{key}": rising(pages[name], key, 60) for name, key in links}
                checks = interaction(pages, rooms)
                browser.close()
        print(json.dumps({"backend": backend, "waiting": waiting, "frames": frames, **checks}))
        return 0
    finally:
        janus.terminate()
        try:
            janus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            janus.kill()


if __name__ == "__main__":
    sys.exit(main())

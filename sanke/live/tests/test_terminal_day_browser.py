"""A classroom terminal left alone through a school day: it counts down, joins a minute before, comes back
to its countdown when the lesson ends, follows a move made while it waited, and joins the next lesson —
with nobody touching it and no reload. The test drives both clocks: the pages' (Playwright's) and Django's.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from sanke.live.actions import do_end_lesson, do_start_lesson
from sanke.testing import clock as clocks
from sanke.timetable.actions import do_move_lesson
from sanke.timetable.models import Lesson

pytestmark = pytest.mark.browser

TUESDAY = dt.date(2026, 11, 24)


def off_the_loop(action, *args, **kwargs):
    """Run an action in a thread of its own: Playwright's sync API keeps an event loop in this one, where
    the broadcast after the commit (async_to_sync) may not run."""

    def call():
        try:
            return action(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


def advance(page, monkeypatch, minutes: float, step: float = 5) -> None:
    """Both clocks on by ``minutes``, in steps, as they would run: Django's (the session's idle timeout,
    the agenda's "now") and the page's (its countdown, its half-minute reads, which keep it logged in)."""
    left = minutes * 60_000
    while left > 0:
        delta = min(step * 60_000, left)
        page_now = page.evaluate("Date.now()")
        clocks.install(monkeypatch, dt.datetime.fromtimestamp((page_now + delta) / 1000, tz=dt.UTC))
        read_the_day(page, int(delta))  # each step fires one read; wait for it, so none is left in flight
        left -= delta


def read_the_day(page, fast_forward: str | int) -> None:
    """Move the page's clock on past its next half-minute read of the day, and wait for that read."""
    with page.expect_response(lambda response: "/live/terminal/agenda/" in response.url):
        page.clock.fast_forward(fast_forward)


def english_on(day: int) -> Lesson:
    return Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, day))


@pytest.mark.clock("2026-11-24 09:40:00")  # ten minutes before Tuesday's English lesson (09:50–10:30)
def test_a_terminal_runs_through_two_lessons_and_a_move_without_a_reload(
    world, page_for, monkeypatch, screenshot
):
    teacher = world.users["teacher"]
    # given two lessons for 龙井 today, an hour apart: 09:50 and (Thursday's, moved here) 11:30
    first = english_on(24)
    second = do_move_lesson(english_on(26), TUESDAY, start_minute=11 * 60 + 30, acting_user=teacher)
    home_url = re.compile(r"/$")

    # the terminal's screen: today's two lessons and a countdown in minutes and seconds to the first
    page = page_for("terminal_longjing", viewport={"width": 1920, "height": 1080})
    today = page.get_by_test_id("terminal-today")
    expect(today.locator("[data-lesson]")).to_have_count(2)
    expect(page.get_by_test_id("next-start")).to_contain_text("09:50")
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^\d+分 \d+秒$"))
    expect(page.get_by_test_id("terminal-waiting")).to_contain_text("英语")
    screenshot(page, "terminal-countdown")

    # a minute before the start it joins the first lesson by itself
    page.clock.fast_forward("09:00")
    page.wait_for_url(re.compile(rf"/live/lessons/{first.pk}/$"))

    # the host teaches it and ends it
    off_the_loop(do_start_lesson, first, acting_user=teacher, now=first.starts_at)
    advance(page, monkeypatch, 20)
    off_the_loop(do_end_lesson, first, acting_user=teacher)
    read_the_day(page, "00:31")  # the room's next read of the day (its socket may have missed the end)
    # the room says it ended, offers nothing to click, and goes back to the countdown by itself
    expect(page.get_by_test_id("lesson-over")).to_be_visible()
    expect(page.locator("[data-action=hand]")).to_be_disabled()
    page.clock.fast_forward("00:16")
    page.wait_for_url(home_url)
    expect(page.get_by_test_id("next-start")).to_contain_text("11:30")

    # while it waits, the school moves the second lesson ten minutes later
    advance(page, monkeypatch, 30)
    off_the_loop(do_move_lesson, second, TUESDAY, start_minute=11 * 60 + 40, acting_user=teacher)
    read_the_day(page, "00:31")
    expect(page.get_by_test_id("next-start")).to_contain_text("11:40")
    expect(today.locator(f"[data-lesson='{second.pk}']")).to_contain_text("11:40")

    # it does not join at the old time...
    now = page.evaluate("Date.now()") / 1000
    target = clocks.school_time("2026-11-24 11:38:30").timestamp()
    advance(page, monkeypatch, (target - now) / 60)
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^1分 \d+秒$"))
    assert "/live/lessons/" not in page.url
    # ...but a minute before the new one
    page.clock.fast_forward("00:45")
    page.wait_for_url(re.compile(rf"/live/lessons/{second.pk}/$"))


@pytest.mark.clock("2026-11-24 09:00:00")
def test_a_terminal_says_what_it_waits_for_when_the_network_drops_and_recovers_by_itself(world, page_for):
    page = page_for("terminal_longjing", viewport={"width": 1366, "height": 768})
    waiting = page.get_by_test_id("terminal-waiting")
    expect(waiting).to_contain_text("等待：英语，09:50 开始")
    # the network drops: the countdown runs on by the terminal's own clock, and the screen says so
    page.context.set_offline(True)
    page.clock.fast_forward("00:31")
    expect(waiting).to_contain_text("连接中断")
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^\d+分 \d+秒$"))
    # it comes back: the terminal reads its day again at once, without anyone touching it
    with page.expect_response(lambda response: "/live/terminal/agenda/" in response.url):
        page.context.set_offline(False)
    expect(waiting).to_contain_text("等待：英语，09:50 开始")

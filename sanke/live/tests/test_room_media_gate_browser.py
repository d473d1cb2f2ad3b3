"""Nothing leaves a classroom before 开始上课 or after 下课 (p2p, real Chromium with fake cameras).

Before the start each page shows its own camera as a preview, and no link exists: the classroom decodes no
frame from the host and the host none from the classroom. On 开始上课 media flows both ways; on 下课 every
camera and microphone track stops, every link closes, and the room says it ended with nothing to click —
also when it is opened again afterwards.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanke.testing.browser import open_as, wait_until
from sanke.testing.servers import platform_server, server_environment
from sanke.timetable.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAMES = """(key) => (async () => {
  const pc = window.sankeLive && window.sankeLive.peers[key];
  if (!pc) return 0;
  let frames = 0;
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "video") frames = Math.max(frames, r.framesDecoded || 0);
  });
  return frames;
})()"""
PREVIEW = """() => {
  const v = document.querySelector("[data-live=local]");
  return !!v && v.videoWidth > 0;
}"""
LINKS = "() => Object.keys(window.sankeLive.peers).length"
NOTHING_LIVE = """() => {
  const room = window.sankeLive;
  const tracks = [];
  if (room.localStream) tracks.push(...room.localStream.getTracks());
  document.querySelectorAll("video").forEach((v) => {
    if (v.srcObject) tracks.push(...v.srcObject.getTracks());
  });
  return Object.keys(room.peers).length === 0 && tracks.every((t) => t.readyState === "ended");
}"""


FITS = """() => {
  const page = document.documentElement;
  // every option and button label on one line: a one-character-wide column would be taller than two lines
  const labels = document.querySelectorAll(".sanke-option-name, .sanke-big-button");
  const line = (el) => parseFloat(getComputedStyle(el).lineHeight) || 20;
  const tall = (el) => el.getBoundingClientRect().height > 2.2 * line(el);
  const wrapped = [...labels].filter((el) => el.offsetParent && tall(el));
  return { scrolls: page.scrollHeight > innerHeight + 1 || page.scrollWidth > innerWidth + 1,
           wrapped: wrapped.map((el) => el.textContent),
           host: document.querySelector("[data-remote=host]").getBoundingClientRect().width / innerWidth };
}"""


def fits_the_screen(page):
    """No scrolling, no label broken one character per line, and the host's picture over half the width."""
    fit = page.evaluate(FITS)
    assert not fit["scrolls"], fit
    assert not fit["wrapped"], fit
    assert fit["host"] > 0.6, fit


@pytest.fixture
def asgi_server(transactional_db):
    with platform_server(server_environment(SANKE_MEDIA_BACKEND="p2p")) as base:
        yield base


def rising(page, key, timeout=30.0):
    deadline = time.monotonic() + timeout
    first = None
    while time.monotonic() < deadline:
        frames = page.evaluate(FRAMES, key)
        if first is None and frames >= 30:
            first = frames
        elif first is not None and frames > first:
            return
        time.sleep(0.5)
    raise AssertionError(f"{key}: no rising frames ({page.evaluate(FRAMES, key)})")


def test_media_flows_only_between_start_and_end(world, asgi_server, media_browser, screenshot):
    # given the English lesson five minutes from now, still scheduled (the host may start it already)
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now + dt.timedelta(minutes=5), ends_at=now + dt.timedelta(minutes=45)
    )
    longjing = world.classrooms["longjing"].pk
    path = f"/live/lessons/{lesson.pk}/"
    host = open_as(media_browser, asgi_server, world.users["teacher"], path)
    room = open_as(
        media_browser,
        asgi_server,
        world.users["terminal_longjing"],
        path,
        viewport={"width": 1920, "height": 1080},
    )

    # when both are in the room before the start: each previews its own camera, both sockets are up
    for page in (host, room):
        expect(page.locator("[data-live=connection]")).to_have_text("已连接")
        wait_until(page, PREVIEW)
    expect(host.locator("[data-action=start]")).to_be_visible()
    expect(host.locator("[data-action=end]")).to_be_hidden()
    # then for as long as nobody starts, no link exists and no frame crosses in either direction
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        assert host.evaluate(LINKS) == 0 and room.evaluate(LINKS) == 0
        assert room.evaluate(FRAMES, "host") == 0
        assert host.evaluate(FRAMES, f"classroom-{longjing}") == 0
        time.sleep(0.25)

    # when the host starts the lesson, media flows both ways
    host.click("[data-action=start]")
    rising(room, "host")
    rising(host, f"classroom-{longjing}")
    expect(host.locator("[data-action=start]")).to_be_hidden()
    fits_the_screen(room)
    screenshot(room, "terminal-live")

    # a quiz and a roll call come up as large prompts over the video, answered on the big screen
    host.fill("[data-form=quiz] [name=question]", "Which fruit is red?")
    host.fill("[data-form=quiz] [name=options]", "苹果 香蕉 葡萄柚 西瓜")
    host.click("[data-testid=quiz-start]")
    expect(room.get_by_test_id("quiz-panel")).to_be_visible()
    fits_the_screen(room)
    screenshot(room, "terminal-quiz")
    room.fill("input[data-option='苹果']", "9")
    room.click("[data-testid=quiz-answer]")
    expect(room.get_by_test_id("quiz-panel")).to_be_hidden()
    host.click("[data-action=rollcall]")
    expect(room.get_by_test_id("rollcall-panel")).to_be_visible()
    room.click("[data-step='1']")
    room.click("[data-step='1']")
    room.press("[data-form=present] [name=present]", "Enter")
    expect(room.get_by_test_id("rollcall-panel")).to_be_hidden()
    expect(host.get_by_test_id("present")).to_contain_text("2")
    room.set_viewport_size({"width": 1366, "height": 768})
    fits_the_screen(room)
    room.set_viewport_size({"width": 1920, "height": 1080})

    # when the host ends it, every track stops and every link closes, on both sides
    host.click("[data-action=end]")
    for page in (host, room):
        wait_until(page, NOTHING_LIVE)
        expect(page.get_by_test_id("lesson-over")).to_be_visible()
    expect(host.locator("[data-action=start]")).to_be_hidden()
    expect(host.locator("[data-action=end]")).to_be_hidden()
    expect(room.locator("[data-action=hand]")).to_be_disabled()
    screenshot(room, "terminal-ended")

    # and an ended room opened again opens no camera and offers neither start nor end
    host.reload()
    expect(host.get_by_test_id("lesson-over")).to_contain_text("本节课已结束")
    expect(host.locator("[data-action=start]")).to_be_hidden()
    expect(host.locator("[data-action=end]")).to_be_hidden()
    expect(host.locator("[data-testid=quiz-start]")).to_be_disabled()
    assert host.evaluate("() => window.sankeLive.localStream === null")

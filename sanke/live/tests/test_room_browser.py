"""A live lesson in headless Chromium with fake cameras: host + two receiving classrooms on the p2p backend.

The platform runs as a real ASGI server (uvicorn, WebSockets) on loopback against the test database;
each page is a separate browser context with a fake camera and microphone. We prove media, not markup:
remote video decodes frames and the count keeps rising.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.live.events import replay
from sanke.live.models import LessonEvent
from sanke.testing.browser import open_as, wait_until
from sanke.testing.servers import platform_server, server_environment
from sanke.timetable.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DECODING = """(key) => (async () => {
  const pc = window.sankeLive.peers[key];
  if (!pc) return 0;
  let frames = 0;  // the camera's stream (a classroom's link also has the stage slot, idle unless 连麦)
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "video") frames = Math.max(frames, r.framesDecoded || 0);
  });
  return frames;
})()"""
# what a classroom receives in the stage slot of its link to the host (p2p 连麦): video frames, audio samples
STAGE = """() => (async () => {
  const pc = window.sankeLive.peers["host"];
  const out = { frames: 0, samples: 0 };
  if (!pc) return out;
  const [audio, video] = pc.getTransceivers().slice(2, 4);
  if (!audio || !video) return out;
  (await video.receiver.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp") out.frames = r.framesDecoded || 0;
  });
  (await audio.receiver.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp") out.samples = r.totalSamplesReceived || 0;
  });
  return out;
})()"""


def stage_rising(page, timeout=30.0):
    """The classroom on stage reaches this classroom: its video decodes and its sound arrives."""
    deadline = time.monotonic() + timeout
    first = page.evaluate(STAGE)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = page.evaluate(STAGE)
        if now["frames"] > first["frames"] + 10 and now["samples"] > first["samples"] + 48000:
            return now
    raise AssertionError(f"the classroom on stage does not reach this classroom ({page.evaluate(STAGE)})")


@pytest.fixture
def asgi_server(transactional_db):
    """uvicorn serving sanke.asgi on loopback, on the same (test) database as this test."""
    with platform_server(server_environment(SANKE_MEDIA_BACKEND="p2p")) as base:
        yield base


def frames_rising(page, key, timeout=30.0):
    deadline = time.monotonic() + timeout
    first = None
    while time.monotonic() < deadline:
        frames = page.evaluate(DECODING, key)
        if first is None and frames >= 30:
            first = frames
        elif first is not None and frames > first:
            return frames
        time.sleep(0.5)
    raise AssertionError(f"{key}: remote video is not decoding (frames {page.evaluate(DECODING, key)})")


def test_host_and_two_classrooms_see_each_other_and_answer_a_quiz(
    world, county_admin, asgi_server, media_browser, screenshot
):
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=39)
    )
    xiajiang_terminal = do_create_account(
        username="terminal_xiajiang", password="Term#Pass1", must_change_password=False, acting_user=None
    )
    do_grant_role(
        xiajiang_terminal,
        Role.CLASSROOM_TERMINAL,
        classroom=world.classrooms["xiajiang"],
        acting_user=county_admin,
    )
    longjing, xiajiang = world.classrooms["longjing"].pk, world.classrooms["xiajiang"].pk
    path = f"/live/lessons/{lesson.pk}/"
    host = open_as(media_browser, asgi_server, world.users["teacher"], path)
    first = open_as(media_browser, asgi_server, world.users["terminal_longjing"], path)
    second = open_as(media_browser, asgi_server, xiajiang_terminal, path)

    host.click("[data-action=start]")
    # media flows both ways on every link
    frames_rising(first, "host")
    frames_rising(second, "host")
    frames_rising(host, f"classroom-{longjing}")
    frames_rising(host, f"classroom-{xiajiang}")

    # a quick quiz: each classroom's counts reach the host's tally
    host.fill("[data-form=quiz] [name=question]", "3 + 4 = ?")
    host.fill("[data-form=quiz] [name=options]", "6 7 8")
    host.click("[data-testid=quiz-start]")
    for page, counts in ((first, ("1", "10", "1")), (second, ("0", "7", "2"))):
        expect(page.get_by_test_id("quiz-panel")).to_be_visible()
        for option, count in zip(("6", "7", "8"), counts, strict=True):
            page.fill(f"input[data-option='{option}']", count)
        page.click("[data-testid=quiz-answer]")
    tally = host.get_by_test_id("tally")
    expect(tally.locator(f"tr[data-room='{longjing}']")).to_contain_text("7: 10")
    expect(tally.locator(f"tr[data-room='{xiajiang}']")).to_contain_text("7: 7")
    screenshot(host, "live-host")

    # 连麦 without a media server: the host brings 龙井 on stage and relays it to 下姜
    host.click(f"[data-stage='{longjing}']")
    expect(host.locator(f"[data-classroom='{longjing}'] .card")).to_have_class(re.compile("border-primary"))
    stage_rising(second)
    screenshot(second, "live-terminal")  # the host large, 龙井 on stage at the side
    showing = "() => !!document.querySelector('[data-remote=stage]').srcObject"
    assert second.evaluate(showing) and not first.evaluate(showing)  # 龙井 does not see itself
    host.click(f"[data-stage='{longjing}']")  # off stage: the picture clears
    wait_until(second, f"!({showing})()")
    host.click(f"[data-stage='{longjing}']")  # and on again: the same link carries it, no renegotiation
    wait_until(second, f"({showing})()")
    stage_rising(second)

    # the second classroom drops and comes back by itself; nothing said meanwhile is lost
    second.evaluate("window.sankeLive.reconnect()")
    host.fill("[data-form=chat] [name=text]", "请大家看黑板")
    host.click("[data-form=chat] button")
    expect(second.locator("[data-live=connection]")).to_have_class("badge bg-green-lt", timeout=10000)
    wait_until(second, "window.sankeLive.state.chat.some((m) => m.text === '请大家看黑板')")
    frames_rising(second, "host")

    host.click("[data-action=end]")
    expect(host.locator("[data-live=status]")).to_have_text("已结束")
    state = replay(LessonEvent.objects.filter(lesson=lesson).order_by("seq"))
    assert state.status == "ended"
    assert state.quizzes[1].totals() == {"6": 1, "7": 17, "8": 3}
    assert len(state.attendance[xiajiang]) == 2  # the drop shows as two connected intervals
    for page in (host, first, second):
        page.context.close()


def test_muting_a_classroom_silences_its_microphone(world, asgi_server, media_browser):
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=39)
    )
    path = f"/live/lessons/{lesson.pk}/"
    host = open_as(media_browser, asgi_server, world.users["teacher"], path)
    terminal = open_as(media_browser, asgi_server, world.users["terminal_longjing"], path)
    host.click("[data-action=start]")
    frames_rising(host, f"classroom-{world.classrooms['longjing'].pk}")
    host.click(f"[data-mute='{world.classrooms['longjing'].pk}']")
    wait_until(
        terminal,
        "window.sankeLive.state.lastSeq > 0 && document.querySelector('[data-live=local]').srcObject"
        ".getAudioTracks().every((t) => !t.enabled)",
    )
    for page in (host, terminal):
        page.context.close()


def test_students_answer_on_their_own_devices_and_the_host_sees_their_classrooms_tally(
    world, asgi_server, media_browser, screenshot
):
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        date=timezone.localdate(),
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(minutes=39),
    )
    longjing = world.classrooms["longjing"].pk
    home = open_as(media_browser, asgi_server, world.users["student"], "/")
    home.set_viewport_size({"width": 390, "height": 844})
    # from the home page, which may list a real lesson of today too: the one this test made starts now
    room = reverse("live:room", args=[lesson.pk])
    home.get_by_test_id("todays-lessons").locator(f"a[href='{room}']").click()
    student = home
    expect(student.get_by_test_id("quiz-waiting")).to_be_visible()
    host = open_as(media_browser, asgi_server, world.users["teacher"], f"/live/lessons/{lesson.pk}/")
    host.click("[data-action=start]")
    expect(host.locator("[data-live=status]")).to_have_text("上课中")
    expect(student.locator("[data-live=status]")).to_have_text("上课中")
    host.fill("[data-form=quiz] [name=question]", "3 + 4 = ?")
    host.fill("[data-form=quiz] [name=options]", "6 7 8")
    host.click("[data-testid=quiz-start]")

    expect(student.get_by_test_id("quiz-pad")).to_contain_text("3 + 4 = ?")
    student.click("[data-quiz-options] button[data-option='6']")
    student.click("[data-quiz-options] button[data-option='7']")  # changes their mind: the latest counts
    expect(student.get_by_test_id("quiz-sent")).to_contain_text("7")
    tally = host.get_by_test_id("tally").locator(f"tr[data-room='{longjing}']")
    expect(tally).to_contain_text("6: 0")
    expect(tally).to_contain_text("7: 1")
    expect(student.locator("[data-quiz-options] button[aria-pressed=true]")).to_have_text("7")
    student.reload()  # the pad comes back with the student's own answer, from the lesson's events
    expect(student.locator("[data-quiz-options] button[aria-pressed=true]")).to_have_text("7")
    expect(student.get_by_test_id("quiz-sent")).to_contain_text("7")
    student.mouse.move(0, 0)
    student.wait_for_timeout(500)  # let the buttons' colour transitions finish
    screenshot(student, "live-student-pad")

    state = replay(LessonEvent.objects.filter(lesson=lesson).order_by("seq"))
    assert state.quizzes[1].tallies == {longjing: {"7": 1}}
    votes = LessonEvent.objects.filter(lesson=lesson, type="quiz.voted")
    assert votes.count() == 2 and all(v.actor == world.users["student"] for v in votes)
    assert str(world.users["student"].pk) not in {v.payload["voter"] for v in votes}  # a pseudonym
    for page in (host, student):
        page.context.close()

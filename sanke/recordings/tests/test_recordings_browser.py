"""Recordings in headless Chromium: a teacher uploads a video through tus-js-client across a broken
connection, watches the page follow the processing live, and plays the result with hls.js; another
county gets 404 on the page, the playlists and the segments; an expired segment link is refused."""

from __future__ import annotations

import time

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import expect

from sanke.recordings import links
from sanke.recordings.actions import do_add_chapter
from sanke.recordings.choices import RecordingState
from sanke.recordings.models import Recording
from sanke.recordings.tests.conftest import publish_in_process
from sanke.recordings.transcode import run_transcode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYING = "() => { const v = document.querySelector('video[data-player]'); return v && v.currentTime > 1.5; }"


def _play(page) -> None:
    page.evaluate(
        "() => { const v = document.querySelector('video[data-player]'); v.muted = true; v.play(); }"
    )
    page.wait_for_function(PLAYING, timeout=30_000)


def test_a_teacher_uploads_across_a_broken_connection_and_plays_the_recording(
    world, host_teacher, english_lesson, video12, page_for, live_server, settings, screenshot
):
    settings.SANKE_RECORDING_CHUNK_BYTES = 64 * 1024  # several chunks for a small video
    page = page_for(host_teacher.username)
    page.goto(f"{live_server.url}/recordings/upload/?lesson={english_lesson.pk}")
    screenshot(page, "recording-upload")

    # the connection breaks once, in the middle of the upload
    broken = []

    def break_once(route):
        request = route.request
        if request.method == "PATCH" and not broken and request.headers.get("upload-offset") != "0":
            broken.append(request.headers["upload-offset"])
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/uploads/recordings/**", break_once)
    page.set_input_files("#upload-file", str(video12))
    page.fill("#upload-title", "英语课实录（上传）")
    page.click("[data-start]")

    # the upload resumes by itself and opens the recording's page, which shows it queued
    page.wait_for_url("**/recordings/*/", timeout=30_000)
    assert broken, "the connection never broke"
    recording = Recording.objects.get()
    with default_storage.open(recording.source, "rb") as handle:
        assert handle.read() == video12.read_bytes()
    status = page.locator("[data-recording-status]")
    expect(status.locator("[data-label]")).to_have_text("排队中")
    expect(status.locator("[data-detail]")).to_contain_text("排队第 1 位")

    # the page follows the worker's progress without a reload
    Recording.objects.filter(pk=recording.pk).update(
        state=RecordingState.PROCESSING, progress=40, heartbeat_at=timezone.now()
    )
    expect(status.locator("[data-label]")).to_have_text("转码中")
    expect(status.locator("[data-detail]")).to_contain_text("已转码 40%")
    screenshot(page, "recording-processing")

    # once the transcode has published, the page turns into the player and plays
    Recording.objects.filter(pk=recording.pk).update(state=RecordingState.QUEUED, progress=0)
    assert run_transcode(recording.pk) == "published"
    expect(page.locator("video[data-player]")).to_be_visible(timeout=15_000)
    _play(page)


def test_the_player_plays_and_another_county_gets_404(
    world, host_teacher, outsider, english_lesson, video12, page_for, live_server, screenshot
):
    recording = publish_in_process(host_teacher, english_lesson, video12)
    do_add_chapter(recording, seconds=8, title="课文朗读", acting_user=host_teacher)
    page = page_for(host_teacher.username)
    page.goto(f"{live_server.url}/recordings/")
    expect(page.get_by_test_id("recordings")).to_contain_text("英语课实录")
    screenshot(page, "recordings-library")
    page.get_by_role("link", name="英语课实录").click()
    _play(page)
    page.get_by_test_id("chapters").get_by_role("button", name="8 秒").click()
    page.wait_for_function("() => document.querySelector('video[data-player]').currentTime >= 8")
    page.select_option("[data-speed]", "2")
    assert page.evaluate("() => document.querySelector('video[data-player]').playbackRate") == 2
    screenshot(page, "recording-player")

    # the links the teacher's player used
    master = page.request.get(f"{live_server.url}/recordings/{recording.pk}/hls/master.m3u8")
    playlist_path = next(line for line in master.text().splitlines() if line.startswith("/"))
    playlist = page.request.get(live_server.url + playlist_path).text()
    segment_path = next(line for line in playlist.splitlines() if line.startswith("/"))
    assert page.request.get(live_server.url + segment_path).status == 200

    # an expired link is refused, even to the teacher
    name = "180p/seg00000.ts"
    expired = links.signed_query(recording.pk, name, host_teacher.pk, now=time.time() - 3600)
    refused = page.request.get(f"{live_server.url}/recordings/{recording.pk}/hls/{name}?{expired}")
    assert refused.status == 403 and "过期" in refused.text()

    # another county's admin finds nothing: page, playlists, segments
    stranger = page_for(outsider.username)
    assert stranger.goto(f"{live_server.url}/recordings/{recording.pk}/").status == 404
    for path in (f"/recordings/{recording.pk}/hls/master.m3u8", playlist_path, segment_path):
        assert stranger.request.get(live_server.url + path).status == 404, path

    # on a phone the player fills the width and still plays
    phone = page_for(host_teacher.username, viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/recordings/{recording.pk}/")
    _play(phone)
    box = phone.locator("video[data-player]").bounding_box()
    assert box is not None and box["width"] >= 300
    screenshot(phone, "recording-player-phone")


@pytest.mark.clock("2026-11-26 19:30")  # two days after the English lesson of 2026-11-24, in the evening
def test_a_student_catches_up_on_a_lesson_from_the_home_page(
    world, host_teacher, student, english_lesson, video12, page_for, live_server, screenshot
):
    publish_in_process(host_teacher, english_lesson, video12)
    phone = page_for(student.username, viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/")
    catch_up = phone.get_by_test_id("catch-up")
    expect(catch_up).to_contain_text("英语")
    expect(catch_up).to_contain_text("11月24日")
    screenshot(phone, "home-student-catch-up")
    catch_up.get_by_role("link").first.click()
    _play(phone)

"""The recording's page and media: signed, short-lived segment links; scope on page, playlists and
segments; chapters from the teacher and the lesson's events; the queue's place; deletion removes files."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from sanke.live.models import LessonEvent, LiveSession
from sanke.recordings import links, storage
from sanke.recordings.choices import RecordingState
from sanke.recordings.models import Recording
from sanke.recordings.tests.conftest import publish_in_process


@pytest.fixture
def recording(world, host_teacher, english_lesson, video12):
    return publish_in_process(host_teacher, english_lesson, video12)


def _segment_url(client, recording) -> str:
    master = client.get(f"/recordings/{recording.pk}/hls/master.m3u8").content.decode()
    playlist_url = next(line for line in master.splitlines() if line.startswith("/"))
    playlist = client.get(playlist_url).content.decode()
    return next(line for line in playlist.splitlines() if line.startswith("/"))


def test_the_teacher_plays_through_signed_links(client_for, host_teacher, recording):
    client = client_for(host_teacher)
    page = client.get(f"/recordings/{recording.pk}/")
    assert page.status_code == 200 and b"data-player" in page.content
    master = client.get(f"/recordings/{recording.pk}/hls/master.m3u8")
    assert master["Content-Type"] == "application/vnd.apple.mpegurl" and master["Cache-Control"] == "no-store"
    assert master.content.decode().count("#EXT-X-STREAM-INF") == 2
    segment_url = _segment_url(client, recording)
    assert re.search(r"/hls/180p/seg00000\.ts\?exp=\d+&sig=[0-9a-f]{64}$", segment_url)
    segment = client.get(segment_url)
    assert segment.status_code == 200 and b"".join(segment.streaming_content)[:1] == b"G"  # MPEG-TS sync byte
    assert client.get(f"/recordings/{recording.pk}/poster.jpg").status_code == 200


def test_another_county_gets_404_on_page_playlists_segments_and_poster(
    client_for, host_teacher, outsider, recording
):
    segment_url = _segment_url(client_for(host_teacher), recording)
    stranger = client_for(outsider)
    for url in (
        f"/recordings/{recording.pk}/",
        f"/recordings/{recording.pk}/status/",
        f"/recordings/{recording.pk}/hls/master.m3u8",
        f"/recordings/{recording.pk}/hls/180p/index.m3u8",
        segment_url,
        f"/recordings/{recording.pk}/poster.jpg",
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/recordings/{recording.pk}/delete/").status_code == 404
    assert Recording.objects.filter(pk=recording.pk).exists()


def test_a_receiving_student_sees_the_lesson_recording(client_for, student, recording):
    assert client_for(student).get(f"/recordings/{recording.pk}/").status_code == 200
    assert client_for(student).post(f"/recordings/{recording.pk}/delete/").status_code == 403


def test_expired_forged_and_borrowed_segment_links_are_refused(
    client_for, host_teacher, county_admin, recording
):
    client = client_for(host_teacher)
    name = "180p/seg00000.ts"
    base = f"/recordings/{recording.pk}/hls/180p/seg00000.ts"
    expired = links.signed_query(recording.pk, name, host_teacher.pk, now=time.time() - 3600)
    assert client.get(f"{base}?{expired}").status_code == 403
    good = links.signed_query(recording.pk, name, host_teacher.pk)
    forged = re.sub(r"sig=(.)", lambda m: "sig=" + ("0" if m.group(1) != "0" else "1"), good)
    assert client.get(f"{base}?{forged}").status_code == 403
    assert client.get(base).status_code == 403
    # the county's admin may watch the recording, but not through the teacher's link
    assert client_for(county_admin).get(f"{base}?{good}").status_code == 403
    assert client_for(host_teacher).get(f"{base}?{good}").status_code == 200


def test_chapters_combine_teacher_markers_with_the_lesson_events(
    client_for, host_teacher, english_lesson, recording
):
    started = timezone.now() - dt.timedelta(minutes=5)
    LiveSession.objects.create(lesson=english_lesson, is_live=False, started_at=started)
    for seq, (kind, payload, after) in enumerate(
        [
            ("rollcall.started", {"rollcall": 1}, 2),
            (
                "quiz.started",
                {"quiz": 1, "kind": "single", "question": "How are you?", "options": ["A", "B"]},
                5,
            ),
            ("stage.set", {"classroom": 1}, 8),
            ("chat.message", {"text": "hi"}, 9),
            (
                "quiz.started",
                {"quiz": 2, "kind": "single", "question": "Too late", "options": ["A", "B"]},
                99,
            ),
        ],
        start=1,
    ):
        event = LessonEvent.objects.create(lesson=english_lesson, seq=seq, type=kind, payload=payload)
        LessonEvent.objects.filter(pk=event.pk).update(created_at=started + dt.timedelta(seconds=after))
    client = client_for(host_teacher)
    answer = client.post(f"/recordings/{recording.pk}/chapters/", {"at": "0:10", "title": "课文朗读"})
    assert answer.status_code == 302
    assert (
        client.post(f"/recordings/{recording.pk}/chapters/", {"at": "ten", "title": "x"}).status_code == 302
    )
    page = client.get(f"/recordings/{recording.pk}/").content.decode()
    titles = re.findall(r'<span class="flex-fill">([^<]*)</span>', page)
    assert titles == ["点名", "随堂测验：How are you?", "连麦", "课文朗读"]
    assert recording.chapters.count() == 1


def test_the_status_says_the_place_in_the_queue_in_chinese(client_for, host_teacher, english_lesson, video12):
    from sanke.recordings import actions

    queued = []
    for title in ("第一", "第二"):
        r = actions.do_create_upload(
            acting_user=host_teacher,
            school=english_lesson.series.alliance.host_school,
            lesson=english_lesson,
            title=title,
            file_name="v.mp4",
            length=10,
        )
        Recording.objects.filter(pk=r.pk).update(
            state=RecordingState.QUEUED,
            queued_at=timezone.now() + dt.timedelta(seconds=len(queued)),
            source_duration=600,
        )
        queued.append(r)
    status = client_for(host_teacher).get(f"/recordings/{queued[1].pk}/status/").json()
    assert status["label"] == "排队中" and status["position"] == 2 and status["seconds_left"] == 600


def test_deleting_a_recording_removes_its_files(
    client_for, host_teacher, recording, django_capture_on_commit_callbacks
):
    prefix = storage.recording_prefix(recording.pk)
    assert default_storage.exists(recording.source) and storage.list_folders(prefix)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(host_teacher).post(f"/recordings/{recording.pk}/delete/")
    assert answer.status_code == 302
    assert not Recording.objects.filter(pk=recording.pk).exists()
    assert not default_storage.exists(recording.source) and storage.list_folders(prefix) == []

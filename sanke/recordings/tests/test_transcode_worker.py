"""The transcode pipeline end to end in a real Celery worker on the ``transcode`` queue, with real ffmpeg:
a resumable upload becomes two HLS renditions; a worker killed mid-transcode leaves nothing published
and, after a restart, exactly one rendition set."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from sanke.recordings import storage
from sanke.recordings.choices import RecordingState
from sanke.recordings.models import Recording, RenditionSet
from sanke.recordings.tests.conftest import make_video
from sanke.testing.worker import celery_worker_on

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 256 * 1024
LEASE = "3"  # seconds of silence after which another worker takes a transcode over


def _worker():
    return celery_worker_on(
        connection.settings_dict["NAME"],
        queues="celery,transcode",
        env_extra={"SANKE_TRANSCODE_LEASE_SECONDS": LEASE},
    )


def wait_for(condition, *, seconds: float, what: str):
    """Poll ``condition`` until it holds (the deadline only bounds a failure)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _state(pk: int) -> str:
    return Recording.objects.filter(pk=pk).values_list("state", flat=True).get()


def _upload(tus, lesson, data: bytes) -> Recording:
    """Upload ``data`` with a break after the second chunk and every chunk sent twice."""
    created = tus.create(len(data), filename="lesson.mp4", title="英语课实录", lesson=lesson.pk)
    assert created.status_code == 201
    url = created["Location"]
    offsets = list(range(0, len(data), CHUNK))
    for offset in offsets[:2]:
        assert tus.patch(url, offset, data[offset : offset + CHUNK]).status_code == 204
    # the connection breaks; the client asks where to resume, and resends what it had not seen confirmed
    resume = int(tus.head(url)["Upload-Offset"])
    assert tus.patch(url, offsets[1], data[offsets[1] : offsets[1] + CHUNK]).status_code == 409
    for offset in offsets[offsets.index(resume) :]:
        chunk = data[offset : offset + CHUNK]
        assert tus.patch(url, offset, chunk).status_code == 204
        if offset + CHUNK < len(data):
            assert tus.patch(url, offset, chunk).status_code == 409
    return Recording.objects.get(upload_id=url.rstrip("/").rsplit("/", 1)[1])


def _ffprobe(path: Path) -> dict:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def test_an_uploaded_video_becomes_two_hls_renditions_in_a_real_worker(
    world, host_teacher, tus_for, english_lesson, video60
):
    with _worker():
        # given a 60 s video with audio uploaded with a break and duplicate chunks
        recording = _upload(tus_for(host_teacher), english_lesson, video60.read_bytes())
        assert _state(recording.pk) in {RecordingState.QUEUED, RecordingState.PROCESSING}
        # when the worker has run the transcode
        wait_for(lambda: _state(recording.pk) in {"ready", "failed"}, seconds=240, what="the transcode")
    recording.refresh_from_db()
    assert recording.state == RecordingState.READY, recording.failure_detail
    published = RenditionSet.objects.get(recording=recording)

    # then ffprobe finds two H.264/AAC renditions of the video's length, in ~6 s segments, and a poster
    assert [r["name"] for r in published.renditions] == ["180p", "90p"]  # a 180-line source is not scaled up
    for rendition in published.renditions:
        playlist = Path(default_storage.path(f"{published.prefix}/{rendition['playlist']}"))
        probed = _ffprobe(playlist)
        assert abs(float(probed["format"]["duration"]) - 60) <= 1
        codecs = {s["codec_type"]: s for s in probed["streams"]}
        assert codecs["video"]["codec_name"] == "h264" and codecs["video"]["height"] == rendition["height"]
        assert codecs["audio"]["codec_name"] == "aac"
        durations = [
            float(line[8:].split(",")[0]) for line in playlist.read_text().splitlines() if "EXTINF" in line
        ]
        assert max(durations) <= 6.5 and len(durations) == 10
    assert abs(published.duration - 60) <= 1
    assert default_storage.exists(published.poster)
    assert recording.progress == 100 and recording.attempts == 1


def _encoders_of(recording_id: int) -> list[int]:
    """Processes whose command line names this recording's work folder (its ffmpeg)."""
    marker = f"/rec{recording_id}-".encode()
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    if marker in handle.read():
                        found.append(int(pid))
            except OSError:
                continue
    return found


def test_a_worker_killed_mid_transcode_leaves_nothing_half_published_and_the_job_completes(
    world, host_teacher, tus_for, english_lesson, tmp_path
):
    data = make_video(tmp_path / "long.mp4", 180).read_bytes()
    work = storage.work_dir()
    with _worker() as first:
        recording = _upload(tus_for(host_teacher), english_lesson, data)
        # the first worker is encoding: its first segments are on disk
        wait_for(
            lambda: list(work.glob(f"rec{recording.pk}-1-*/hls/*/seg00001.ts")), seconds=120, what="segments"
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
    # then the encoder died with its worker, nothing is published, the half-done output is only in work
    wait_for(lambda: not _encoders_of(recording.pk), seconds=10, what="ffmpeg to die with its worker")
    assert _state(recording.pk) == RecordingState.PROCESSING
    assert not RenditionSet.objects.filter(recording=recording).exists()
    assert list(work.glob(f"rec{recording.pk}-1-*"))
    prefix = storage.recording_prefix(recording.pk)
    assert [f for f in storage.list_folders(prefix) if f.startswith("hls-")] == []

    # when a worker starts again, it takes the silent job over after its lease and completes it
    with _worker():
        wait_for(lambda: _state(recording.pk) in {"ready", "failed"}, seconds=300, what="the second attempt")
    recording.refresh_from_db()
    assert recording.state == RecordingState.READY and recording.attempts == 2
    published = RenditionSet.objects.get(recording=recording)
    assert [f for f in storage.list_folders(prefix) if f.startswith("hls-")] == [
        published.prefix.rsplit("/", 1)[1]
    ]
    assert not list(work.glob(f"rec{recording.pk}-*"))
    assert abs(published.duration - 180) <= 1
    assert settings.SANKE_TRANSCODE_LEASE_SECONDS  # the web process keeps its own (longer) lease

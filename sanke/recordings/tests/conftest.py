"""Fixtures of the recordings tests: small generated videos and a tus client on Django's test client."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
from pathlib import Path

import pytest

from sanke.timetable.models import Lesson


def make_video(path: Path, seconds: int, *, size: str = "320x180", audio: bool = True) -> Path:
    """A test video made by ffmpeg: the test pattern with a 440 Hz tone, H.264/AAC in MP4."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
               "-i", f"testsrc=size={size}:rate=25:duration={seconds}"]  # fmt: skip
    if audio:
        command += [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
        ]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-shortest", "-movflags", "+faststart"]
    subprocess.run([*command, str(path)], check=True, timeout=120)
    return path


@pytest.fixture(scope="session")
def video60(tmp_path_factory) -> Path:
    """60 s, 320×180, with audio (≈ 1.8 MB)."""
    return make_video(tmp_path_factory.mktemp("videos") / "lesson.mp4", 60)


@pytest.fixture
def english_lesson(world) -> Lesson:
    """The demo's English lesson of 2026-11-24, taught by 王芳 (host_teacher) at 千岛湖."""
    return Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))


class Tus:
    """A tus 1.0 client over Django's test client, with the session's CSRF token checks off."""

    def __init__(self, client):
        self.client = client

    @staticmethod
    def _meta(**values) -> str:
        return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())

    def create(self, length: int, **meta):
        return self.client.post(
            "/api/uploads/recordings/",
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Length": str(length),
                "Upload-Metadata": self._meta(**meta),
            },
        )

    def head(self, url: str):
        return self.client.head(url, headers={"Tus-Resumable": "1.0.0"})

    def patch(self, url: str, offset: int, data: bytes):
        return self.client.generic(
            "PATCH",
            url,
            data,
            content_type="application/offset+octet-stream",
            headers={"Tus-Resumable": "1.0.0", "Upload-Offset": str(offset)},
        )

    def delete(self, url: str):
        return self.client.generic("DELETE", url, headers={"Tus-Resumable": "1.0.0"})


@pytest.fixture
def tus_for(client_for):
    return lambda user: Tus(client_for(user))


@pytest.fixture(scope="session")
def video12(tmp_path_factory) -> Path:
    """12 s, 320×180, with audio: two 6 s segments per rendition, quick to transcode."""
    return make_video(tmp_path_factory.mktemp("videos") / "short.mp4", 12)


def publish_in_process(user, lesson, video: Path, *, title: str = "英语课实录"):
    """A recording of ``lesson`` uploaded by ``user`` and transcoded here (as the worker would): ready."""
    import shutil

    from sanke.recordings import actions, storage
    from sanke.recordings.transcode import run_transcode

    recording = actions.do_create_upload(
        acting_user=user,
        school=lesson.series.alliance.host_school,
        lesson=lesson,
        title=title,
        file_name=video.name,
        length=video.stat().st_size,
    )
    shutil.copyfile(video, storage.partial_path(recording.upload_id))
    recording.upload_offset = recording.upload_length
    Recording = type(recording)
    Recording.objects.filter(pk=recording.pk).update(upload_offset=recording.upload_length)
    actions.do_finish_upload(recording)
    assert run_transcode(recording.pk) == "published"
    recording.refresh_from_db()
    return recording

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

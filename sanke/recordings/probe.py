"""What a video file is, asked of ffprobe: its container, streams and duration.

Uploads are sniffed here, not trusted by name or declared type: a file is accepted when ffprobe reads it as
an MP4/MOV or WebM/Matroska container with a picture.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

ACCEPTED_CONTAINERS = {"mov", "mp4", "webm", "matroska"}
PROBE_SECONDS = 120


class NotAVideo(Exception):
    """ffprobe could not read the file as one of the accepted containers."""


@dataclass(frozen=True)
class Probe:
    container: str
    duration: float
    width: int
    height: int
    has_video: bool
    has_audio: bool


def probe(path: Path) -> Probe:
    """ffprobe's view of ``path``; raises NotAVideo for anything it cannot read as an accepted container."""
    try:
        done = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            timeout=PROBE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise NotAVideo("ffprobe timed out") from error
    if done.returncode != 0:
        raise NotAVideo(done.stderr.decode(errors="replace")[-500:])
    data = json.loads(done.stdout or b"{}")
    fmt = data.get("format") or {}
    containers = set(str(fmt.get("format_name", "")).split(","))
    if not containers & ACCEPTED_CONTAINERS:
        raise NotAVideo(f"container {fmt.get('format_name')!r}")
    streams = data.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video" and s.get("disposition", {}).get("attached_pic") != 1
        ),
        None,
    )
    duration = float(fmt.get("duration") or (video or {}).get("duration") or 0)
    return Probe(
        container=next(iter(sorted(containers & ACCEPTED_CONTAINERS))),
        duration=duration,
        width=int((video or {}).get("width") or 0),
        height=int((video or {}).get("height") or 0),
        has_video=video is not None,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
    )


def playlist_duration(path: Path) -> float:
    """The sum of a media playlist's segment durations (#EXTINF)."""
    total = 0.0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXTINF:"):
            total += float(line[len("#EXTINF:") :].split(",", 1)[0])
    return total

"""A published recording made without ffmpeg (tiny stand-in files), for the scope walks of every route."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from sanke.recordings import links, storage
from sanke.recordings.choices import RecordingState
from sanke.recordings.models import Chapter, Recording, RenditionSet

PLAYLIST = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nseg00000.ts\n#EXT-X-ENDLIST\n"


def published_recording(lesson, viewer) -> tuple[Recording, list[str]]:
    """A ready recording of ``lesson`` with one chapter; and its playlist URL and a segment URL signed
    for ``viewer``."""
    school = lesson.series.alliance.host_school
    recording = Recording.objects.create(
        school=school,
        lesson=lesson,
        title="英语课实录",
        state=RecordingState.READY,
        progress=100,
        finished_at=timezone.now(),
        file_name="lesson.mp4",
    )
    prefix = f"{storage.recording_prefix(recording.pk)}/hls-1-walk"
    storage.delete_folder(storage.recording_prefix(recording.pk))
    for name, content in (
        ("720p/index.m3u8", PLAYLIST.encode()),
        ("720p/seg00000.ts", b"G" * 188),
        ("poster.jpg", b"\xff\xd8\xff"),
    ):
        default_storage.save(f"{prefix}/{name}", ContentFile(content))
    RenditionSet.objects.create(
        recording=recording,
        prefix=prefix,
        renditions=[
            {
                "name": "720p",
                "height": 720,
                "width": 1280,
                "bandwidth": 2_800_000,
                "playlist": "720p/index.m3u8",
            }
        ],
        poster=f"{prefix}/poster.jpg",
        duration=6.0,
    )
    Chapter.objects.create(recording=recording, seconds=1.0, title="导入")
    segment = reverse("recordings:segment", args=[recording.pk, "720p", "seg00000.ts"])
    media = [
        reverse("recordings:playlist", args=[recording.pk, "720p"]),
        f"{segment}?{links.signed_query(recording.pk, '720p/seg00000.ts', viewer.pk)}",
    ]
    return recording, media

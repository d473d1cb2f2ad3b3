"""Processing a recording into HLS: claim, ffmpeg with progress, publish atomically, recover after a crash.

One run of ``run_transcode`` for a recording:

1. **claims** it with a conditional update (queued → processing, or processing whose heartbeat is older
   than the lease: its worker died), which numbers the attempt;
2. removes what earlier attempts left (work folders, folders copied into storage but never published);
3. runs one ffmpeg pass into a fresh work folder: two H.264/AAC renditions (720p, 360p) in ~6 s segments,
   reporting progress and a heartbeat as ffmpeg reports its position; then a poster;
4. **publishes**: the complete folder is renamed (local storage) or copied into storage under a name no
   one knows yet, and then one transaction marks the recording ready *and* creates its ``RenditionSet``
   (one-to-one, so never two). A run killed before that transaction leaves an unpublished folder that the
   next attempt removes; a run that finds the recording ready, or that a later attempt superseded, stops.

Tasks are acknowledged late, but a broker may still lose a message of a killed worker (kombu's filesystem
transport does), so ``recover_transcodes`` — run by the beat every minute and by every worker a lease after it
starts — re-queues recordings whose run went silent.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import logging
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from sanke.recordings import storage
from sanke.recordings.actions import do_finish_upload
from sanke.recordings.choices import FailureReason, RecordingState
from sanke.recordings.models import Recording, RenditionSet
from sanke.recordings.probe import NotAVideo, playlist_duration, probe
from sanke.recordings.queue import schedule_transcode

log = logging.getLogger(__name__)

# The two renditions the player's adaptive bitrate chooses between: 720p and 360p for a source of 720
# lines or more; a smaller source is never scaled up: its own height and half of it (480 → 480p + 240p).
TOP_HEIGHT = 720
AUDIO_KBPS = (128, 64)


def video_kbps(height: int) -> int:
    for lines, kbps in ((720, 2500), (480, 1200), (360, 700), (240, 400)):
        if height >= lines:
            return kbps
    return 250


def ladder(source_height: int) -> list[tuple[str, int, int, int]]:
    """``[(name, height, video kb/s, audio kb/s)]``, best first."""
    top = even(min(TOP_HEIGHT, source_height or TOP_HEIGHT))
    low = even(min(top // 2, 360))
    return [(f"{h}p", h, video_kbps(h), a) for h, a in zip((top, low), AUDIO_KBPS, strict=True)]


SEGMENT_SECONDS = 6
MAX_ATTEMPTS = 5
PROGRESS_EVERY = 1.0  # seconds between progress writes


class Superseded(Exception):
    """Another attempt took the recording over (or it is no longer processing): stop without publishing."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SANKE_TRANSCODE_LEASE_SECONDS)


# --- claiming -------------------------------------------------------------------------------------
def claim(recording_id: int) -> Recording | None:
    """Take the recording for this run; None when it is not waiting (done, failed, or alive elsewhere)."""
    now = timezone.now()
    waiting = Q(state=RecordingState.QUEUED) | Q(
        state=RecordingState.PROCESSING, heartbeat_at__lt=now - lease()
    )
    claimed = (
        Recording.objects.filter(waiting, pk=recording_id)  # scope: the worker acts for the platform
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(
            state=RecordingState.PROCESSING,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        Recording.objects.filter(
            waiting, pk=recording_id, attempts__gte=MAX_ATTEMPTS
        ).update(  # scope: worker
            state=RecordingState.FAILED, failure=FailureReason.TOO_MANY_ATTEMPTS, finished_at=now
        )
        return None
    return Recording.objects.filter(pk=recording_id).first()  # scope: worker


def heartbeat(recording: Recording, progress: int) -> None:
    """Progress of this attempt, which also proves it alive; raises Superseded if it is not ours anymore."""
    alive = Recording.objects.filter(  # scope: worker
        pk=recording.pk, state=RecordingState.PROCESSING, attempts=recording.attempts
    ).update(progress=min(99, max(0, progress)), heartbeat_at=timezone.now())
    if not alive:
        raise Superseded


# --- the run ---------------------------------------------------------------------------------------------
def run_transcode(recording_id: int) -> str:
    """One attempt at processing ``recording_id``; what happened, as a word for the task result."""
    recording = claim(recording_id)
    if recording is None:
        return "skipped"
    _remove_leftovers(recording)
    work = storage.work_dir() / f"rec{recording.pk}-{recording.attempts}-{uuid.uuid4().hex[:8]}"
    out = work / "hls"
    out.mkdir(parents=True)
    try:
        with storage.local_copy(recording.source) as source:
            found = probe(source)
            rungs = ladder(found.height)
            encode(source, out, rungs, found.has_audio, found.duration, lambda p: heartbeat(recording, p))
            make_poster(source, out / "poster.jpg", found.duration)
        renditions = []
        for name, height, v_kbps, a_kbps in rungs:
            renditions.append(
                {
                    "name": name,
                    "height": height,
                    "width": even(found.width * height / found.height) if found.height else height * 16 // 9,
                    "bandwidth": (v_kbps + (a_kbps if found.has_audio else 0)) * 1100,
                    "playlist": f"{name}/index.m3u8",
                    "audio": found.has_audio,
                }
            )
        duration = playlist_duration(out / rungs[0][0] / "index.m3u8")
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        publish(recording, out, renditions=renditions, duration=duration, size=size)
        return "published"
    except Superseded:
        return "superseded"
    except (NotAVideo, FileNotFoundError) as error:
        fail(
            recording,
            FailureReason.SOURCE_MISSING
            if isinstance(error, FileNotFoundError)
            else FailureReason.NOT_A_VIDEO,
            str(error),
        )
        return "failed"
    except EncodeFailed as error:
        fail(recording, FailureReason.TRANSCODE_FAILED, str(error))
        return "failed"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def publish(recording: Recording, out: Path, *, renditions: list, duration: float, size: int) -> None:
    """Make the finished folder the recording's one rendition set, or leave no trace of it."""
    prefix = f"{storage.recording_prefix(recording.pk)}/hls-{recording.attempts}-{uuid.uuid4().hex[:8]}"
    storage.publish_folder(out, prefix)
    try:
        with transaction.atomic():
            ready = Recording.objects.filter(  # scope: worker
                pk=recording.pk, state=RecordingState.PROCESSING, attempts=recording.attempts
            ).update(state=RecordingState.READY, progress=100, finished_at=timezone.now(), failure="")
            if not ready:
                raise Superseded
            RenditionSet.objects.create(
                recording_id=recording.pk,
                prefix=prefix,
                renditions=renditions,
                poster=f"{prefix}/poster.jpg",
                duration=duration,
                size_bytes=size,
            )
    except (Superseded, IntegrityError):
        storage.delete_folder(prefix)
        raise Superseded from None
    _remove_unpublished(recording.pk, keep=prefix.rsplit("/", 1)[1])


def fail(recording: Recording, reason: str, detail: str) -> None:
    Recording.objects.filter(  # scope: worker
        pk=recording.pk, state=RecordingState.PROCESSING, attempts=recording.attempts
    ).update(
        state=RecordingState.FAILED, failure=reason, failure_detail=detail[-2000:], finished_at=timezone.now()
    )


def _remove_leftovers(recording: Recording) -> None:
    for folder in storage.work_dir().glob(f"rec{recording.pk}-*"):
        if not folder.name.startswith(f"rec{recording.pk}-{recording.attempts}-"):
            shutil.rmtree(folder, ignore_errors=True)
    _remove_unpublished(recording.pk, keep=None)


def _remove_unpublished(recording_id: int, *, keep: str | None) -> None:
    prefix = storage.recording_prefix(recording_id)
    for folder in storage.list_folders(prefix):
        if folder.startswith("hls-") and folder != keep:
            storage.delete_folder(f"{prefix}/{folder}")


# --- ffmpeg ---------------------------------------------------------------------------------------
class EncodeFailed(Exception):
    pass


def even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def encode_command(source: Path, out: Path, rungs: list, has_audio: bool) -> list[str]:
    """One ffmpeg pass: the source split and scaled to every rung of the ladder, HLS with 6 s segments."""
    count = len(rungs)
    split = "".join(f"[s{i}]" for i in range(count))
    scales = ";".join(f"[s{i}]scale=-2:{height}[v{i}]" for i, (_, height, _v, _a) in enumerate(rungs))
    command = [
        "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-i", str(source),
        "-filter_complex", f"[0:v]split={count}{split};{scales}",
    ]  # fmt: skip
    stream_map = []
    for i, (name, _height, v_kbps, a_kbps) in enumerate(rungs):
        command += ["-map", f"[v{i}]"]
        command += [
            f"-c:v:{i}", "libx264", f"-preset:v:{i}", "veryfast", f"-profile:v:{i}", "main",
            f"-b:v:{i}", f"{v_kbps}k", f"-maxrate:v:{i}", f"{v_kbps * 11 // 10}k",
            f"-bufsize:v:{i}", f"{v_kbps * 2}k",
        ]  # fmt: skip
        if has_audio:
            command += ["-map", "0:a:0", f"-c:a:{i}", "aac", f"-b:a:{i}", f"{a_kbps}k", f"-ac:a:{i}", "2"]
            stream_map.append(f"v:{i},a:{i},name:{name}")
        else:
            stream_map.append(f"v:{i},name:{name}")
    command += [
        "-pix_fmt", "yuv420p", "-sc_threshold", "0",
        "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})",
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(out / "%v" / "seg%05d.ts"),
        "-var_stream_map", " ".join(stream_map),
        "-progress", "pipe:1", "-nostats",
        str(out / "%v" / "index.m3u8"),
    ]  # fmt: skip
    return command


def _die_with_parent() -> None:  # pragma: no cover (runs in the child)
    """ffmpeg ends when its worker dies (a killed worker must not leave an encoder writing on)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def encode(source: Path, out: Path, rungs: list, has_audio: bool, duration: float, report) -> None:
    """Run the encode, calling ``report(percent)`` about once a second."""
    process = subprocess.Popen(
        encode_command(source, out, rungs, has_audio),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 (no threads start ffmpeg)
    )
    assert process.stdout is not None
    last = 0.0
    try:
        for line in process.stdout:
            if line.startswith("out_time_us=") and duration > 0:
                value = line.split("=", 1)[1].strip()
                if value.isdigit() and time.monotonic() - last >= PROGRESS_EVERY:
                    last = time.monotonic()
                    report(int(100 * int(value) / 1_000_000 / duration))
    except BaseException:
        process.kill()
        process.wait()
        raise
    errors = process.stderr.read() if process.stderr else ""
    if process.wait() != 0:
        raise EncodeFailed(errors[-2000:])


def make_poster(source: Path, target: Path, duration: float) -> None:
    at = f"{min(1.0, duration / 2):.2f}"
    done = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-ss",
            at,
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-vf",
            "scale=-2:min(360\\,ih)",
            str(target),
        ],  # fmt: skip
        capture_output=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise EncodeFailed(done.stderr.decode(errors="replace")[-2000:])


# --- recovery -------------------------------------------------------------------------------------
def recover_transcodes() -> int:
    """Re-queue recordings whose run went silent (worker killed, message lost) and finish uploads that
    stopped between their last byte and their queueing. Returns how many were re-queued."""
    now = timezone.now()
    silent = list(
        Recording.objects.filter(  # scope: worker
            Q(state=RecordingState.PROCESSING, heartbeat_at__lt=now - lease())
            | Q(state=RecordingState.QUEUED, queued_at__lt=now - dt.timedelta(hours=1))
        ).values_list("pk", flat=True)
    )
    for pk in silent:
        with transaction.atomic():
            schedule_transcode(pk)
    stuck = Recording.objects.filter(  # scope: worker
        state=RecordingState.UPLOADING, upload_offset=F("upload_length"), updated_at__lt=now - lease()
    )
    for recording in stuck:
        do_finish_upload(recording)
    return len(silent)

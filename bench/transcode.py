"""Benchmark of the recording pipeline: a 720p lesson video through the platform's transcode, against the
bare ffmpeg command with the same settings, in the same run.

- **pipeline**: a recording uploaded (ffprobe sniffing, moved into storage, queued), then one
  ``run_transcode``: claim, probe, the one-pass two-rendition HLS encode with progress and heartbeats,
  poster, atomic publication with its database row — what a ``transcode`` worker does;
- **ffmpeg**: the same encode command and poster command run directly into a folder (the baseline).

Figures: each one's real-time factor (seconds of video per second of work), the pipeline's overhead over
bare ffmpeg, and ``ready_after_end_s``: for a 40-minute lesson whose file is complete at 下课 (the upload
path; recording through Janus while the lesson runs is not built yet), the seconds from 下课 until it is
playable, extrapolated from the measured real-time factor plus the pipeline's fixed costs.

Run from the repository root (a throwaway SQLite database in a temporary ``SANKE_VAR_DIR``); heavy, so
under the shared lock on the 2-core machine::

    flock /tmp/sanke-heavy.lock .venv/bin/python bench/transcode.py            # a 5-minute 720p video
    flock /tmp/sanke-heavy.lock .venv/bin/python bench/transcode.py --quick    # a 20-second clip

The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LESSON_SECONDS = 40 * 60


def make_source(path: Path, seconds: int) -> None:
    """A 1280×720, 25 fps test video with a tone: moving pattern (testsrc2), H.264/AAC in MP4."""
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=1280x720:rate=25:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "23",
            "-g",
            "50",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-shortest",
            "-movflags",
            "+faststart",
            str(path),
        ],  # fmt: skip
        check=True,
    )


def bare_ffmpeg(source: Path, out: Path) -> float:
    """The pipeline's own ffmpeg commands, run directly; seconds taken."""
    from sanke.recordings.probe import probe
    from sanke.recordings.transcode import encode_command, ladder, make_poster

    found = probe(source)
    started = time.perf_counter()
    subprocess.run(
        encode_command(source, out, ladder(found.height), found.has_audio),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    make_poster(source, out / "poster.jpg", found.duration)
    return time.perf_counter() - started


def pipeline(source: Path) -> tuple[float, float, float]:
    """(seconds from the last byte of the upload to ready, of which ingest, published duration)."""
    from sanke.accounts.models import User
    from sanke.recordings import actions, storage
    from sanke.recordings.models import Recording
    from sanke.recordings.transcode import run_transcode
    from sanke.timetable.models import Lesson

    user = User.objects.get(username="teacher")
    lesson = Lesson.objects.filter(series__subject="英语").first()
    recording = actions.do_create_upload(
        acting_user=user,
        school=lesson.series.alliance.host_school,
        lesson=lesson,
        title="bench",
        file_name="bench.mp4",
        length=source.stat().st_size,
    )
    shutil.copyfile(source, storage.partial_path(recording.upload_id))
    Recording.objects.filter(pk=recording.pk).update(upload_offset=recording.upload_length)
    recording.refresh_from_db()
    started = time.perf_counter()
    actions.do_finish_upload(recording)  # sniff, move into storage, queue
    ingest = time.perf_counter() - started
    result = run_transcode(recording.pk)
    total = time.perf_counter() - started
    if result != "published":
        raise SystemExit(f"the pipeline did not publish: {result}")
    recording.refresh_from_db()
    return total, ingest, recording.renditions.duration


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 20-second clip: under a minute")
    parser.add_argument("--seconds", type=int, default=None, help="length of the test video (default 300)")
    args = parser.parse_args(argv)
    seconds = args.seconds or (20 if args.quick else 300)

    var_dir = Path(tempfile.mkdtemp(prefix="sanke-bench-transcode-"))
    os.environ["SANKE_VAR_DIR"] = str(var_dir)
    os.environ.pop("SANKE_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from sanke.site.demo import load_demo

        call_command("migrate", verbosity=0)
        load_demo()
        source = var_dir / "source.mp4"
        make_source(source, seconds)
        print(f"Transcode of a {seconds} s 1280×720 25 fps video with audio: HLS 720p + 360p, 6 s segments")
        print(f"  cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")

        out = var_dir / "bare"
        out.mkdir()
        bare_s = bare_ffmpeg(source, out)
        ffmpeg_rtf = seconds / bare_s
        print(f"  bare ffmpeg:  {bare_s:7.2f} s  ({ffmpeg_rtf:5.2f}× real time)")

        total_s, ingest_s, duration = pipeline(source)
        pipeline_rtf = seconds / total_s
        overhead = total_s / bare_s - 1
        print(
            f"  pipeline:     {total_s:7.2f} s  ({pipeline_rtf:5.2f}× real time; ingest {ingest_s:.2f} s; "
            f"published {duration:.1f} s of video)"
        )
        print(f"  overhead over bare ffmpeg: {100 * overhead:+.1f} %")
        fixed = max(0.0, total_s - seconds / ffmpeg_rtf)
        ready_after_end = LESSON_SECONDS / pipeline_rtf
        print(
            f"  40-minute lesson, file complete at 下课: playable after ≈ {ready_after_end:.0f} s "
            f"(2400 s ÷ {pipeline_rtf:.2f}; fixed costs in this run {fixed:.1f} s)"
        )
        print(
            json.dumps(
                {
                    "bench": "transcode",
                    "seconds": seconds,
                    "pipeline_rtf": round(pipeline_rtf, 2),
                    "ffmpeg_rtf": round(ffmpeg_rtf, 2),
                    "overhead": round(overhead, 3),
                    "ready_after_end_s": round(ready_after_end),
                }
            )
        )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

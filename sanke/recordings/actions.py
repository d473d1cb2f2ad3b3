"""The only writers of recordings' tables: uploads (tus), processing states, chapters, deletion.

An upload is a ``Recording`` in state ``uploading`` whose file grows under ``VAR_DIR/uploads``. Each chunk
is appended under an exclusive lock on that file, at exactly the offset the row records, and the row's
offset moves with a conditional update: a chunk sent twice, out of order or again after a timeout finds
another offset and is refused (409) without touching the file, and bytes written by a request that died
before its row was updated are cut off by the next chunk. The finished file is sniffed with ffprobe,
moved into storage and queued for transcoding in one step that can be repeated.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sanke.core import throttle
from sanke.core.audit import record_audit
from sanke.core.uploads import megabytes
from sanke.recordings import storage
from sanke.recordings.choices import FailureReason, RecordingState
from sanke.recordings.models import Chapter, Recording
from sanke.recordings.probe import NotAVideo, probe
from sanke.recordings.queue import schedule_transcode

ACCEPTED_EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv"}
WRITE_PIECE = 1024 * 1024


class UploadRefused(Exception):
    """An upload request the platform will not take; ``status`` is the HTTP answer, the message Chinese."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# --- creating an upload ------------------------------------------------------------------------------------
def do_create_upload(*, acting_user, school, lesson, title: str, file_name: str, length: int) -> Recording:
    """Start a resumable upload of ``length`` bytes for a lesson (or, without one, the school's library)."""
    file_name = Path(file_name or "").name[:255]
    if Path(file_name).suffix.lower() not in ACCEPTED_EXTENSIONS:
        raise UploadRefused(_("Only mp4, mov and webm videos can be uploaded."), 415)
    if length <= 0:
        raise UploadRefused(_("The file is empty."))
    if length > settings.SANKE_RECORDING_MAX_BYTES:
        raise UploadRefused(
            _("The video is larger than %(mb)s MB.") % {"mb": megabytes(settings.SANKE_RECORDING_MAX_BYTES)},
            413,
        )
    mine = Recording.objects.filter(uploaded_by=acting_user)  # scope: the acting user's own uploads
    if mine.filter(state=RecordingState.UPLOADING).count() >= settings.SANKE_RECORDING_OPEN_UPLOADS:
        raise UploadRefused(_("Finish or cancel your unfinished uploads first."), 429)
    since = timezone.now() - dt.timedelta(days=1)
    today = mine.filter(created_at__gte=since).aggregate(total=Sum("upload_length"))["total"] or 0
    if today + length > settings.SANKE_RECORDING_DAILY_BYTES:
        raise UploadRefused(
            _("You can upload at most %(mb)s MB a day.")
            % {"mb": megabytes(settings.SANKE_RECORDING_DAILY_BYTES)},
            429,
        )
    if not throttle.reserve(
        f"recording-upload:{acting_user.pk}",
        limit=settings.SANKE_RECORDING_UPLOADS_PER_HOUR,
        window=dt.timedelta(hours=1),
    ):
        raise UploadRefused(_("Too many uploads in the last hour; please wait a while."), 429)
    title = (title or "").strip()[:200] or Path(file_name).stem[:200] or _("Recording")
    with transaction.atomic():
        recording = Recording.objects.create(
            school=school,
            lesson=lesson,
            title=title,
            uploaded_by=acting_user,
            file_name=file_name,
            upload_length=length,
        )
        storage.partial_path(recording.upload_id).touch(mode=0o600)
        record_audit(acting_user, "recordings.upload.started", recording, changes={"size": length})
    return recording


# --- appending a chunk -------------------------------------------------------------------------------------
def do_append_chunk(recording: Recording, *, offset: int, body, length: int) -> int:
    """Append ``length`` bytes read from ``body`` at ``offset``; returns the upload's new offset.

    Refuses (409) a chunk whose offset is not the recorded one or while another request writes this upload,
    and (413) one that would pass the declared size. The file is never written outside the lock."""
    path = storage.partial_path(recording.upload_id)
    if recording.state != RecordingState.UPLOADING:  # a chunk sent again after the upload completed
        raise UploadRefused(_("This upload is already complete."), 409)
    try:
        handle = open(path, "r+b")  # noqa: SIM115 (closed in the finally below; the lock lives with it)
    except FileNotFoundError as error:
        raise UploadRefused(_("This upload no longer exists; please start again."), 404) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise UploadRefused(_("This part is already being received; please retry."), 409) from error
        row = (
            Recording.objects.filter(pk=recording.pk)  # scope: the caller fetched it through the kernel
            .values("state", "upload_offset", "upload_length")
            .first()
        )
        if row is None or row["state"] != RecordingState.UPLOADING:
            raise UploadRefused(_("This upload is already complete."), 409)
        current = row["upload_offset"]
        if offset != current:
            raise UploadRefused(_("The part does not start where the upload stands; resuming."), 409)
        if current + length > row["upload_length"]:
            raise UploadRefused(_("The part goes past the declared size of the file."), 413)
        handle.truncate(current)  # bytes of a request that died before its row was updated
        handle.seek(current)
        received = 0
        while received < length:
            piece = body.read(min(WRITE_PIECE, length - received))
            if not piece:
                break
            handle.write(piece)
            received += len(piece)
        handle.flush()
        os.fsync(handle.fileno())
        if received != length:
            handle.truncate(current)
            raise UploadRefused(_("The part arrived incomplete; please retry."), 400)
        moved = Recording.objects.filter(  # scope: see above
            pk=recording.pk, state=RecordingState.UPLOADING, upload_offset=current
        ).update(upload_offset=current + received, updated_at=timezone.now())
        if not moved:
            handle.truncate(current)
            raise UploadRefused(_("The part does not start where the upload stands; resuming."), 409)
    finally:
        handle.close()
    new_offset = current + received
    if new_offset == row["upload_length"]:
        recording.upload_offset = new_offset
        do_finish_upload(recording)
    return new_offset


def source_name(recording: Recording) -> str:
    suffix = Path(recording.file_name).suffix.lower() or ".bin"
    return f"{storage.recording_prefix(recording.pk)}/source{suffix}"


def do_finish_upload(recording: Recording) -> None:
    """Sniff the complete file, move it into storage and queue it; repeatable if interrupted midway."""
    path = storage.partial_path(recording.upload_id)
    name = source_name(recording)
    if path.exists():
        try:
            found = probe(path)
        except NotAVideo as error:
            _fail(recording, FailureReason.NOT_A_VIDEO, str(error), allowed=(RecordingState.UPLOADING,))
            path.unlink(missing_ok=True)
            return
        if not found.has_video:
            _fail(recording, FailureReason.NO_VIDEO_STREAM, "", allowed=(RecordingState.UPLOADING,))
            path.unlink(missing_ok=True)
            return
        if found.duration > settings.SANKE_RECORDING_MAX_SECONDS:
            _fail(
                recording,
                FailureReason.TOO_LONG,
                f"{found.duration:.0f} s",
                allowed=(RecordingState.UPLOADING,),
            )
            path.unlink(missing_ok=True)
            return
        duration: float | None = found.duration
        storage.store_source(path, name)
    elif storage.exists(name):  # moved by an earlier run that stopped before the row was updated
        duration = None
    else:
        _fail(recording, FailureReason.SOURCE_MISSING, "", allowed=(RecordingState.UPLOADING,))
        return
    with transaction.atomic():
        fields = {"state": RecordingState.QUEUED, "source": name, "queued_at": timezone.now(), "progress": 0}
        if duration is not None:
            fields["source_duration"] = duration
        queued = Recording.objects.filter(  # scope: the caller fetched it through the kernel
            pk=recording.pk, state=RecordingState.UPLOADING
        ).update(**fields)
        if queued:
            record_audit(recording.uploaded_by, "recordings.upload.finished", recording)
            schedule_transcode(recording.pk)


def _fail(recording: Recording, reason: str, detail: str, *, allowed) -> bool:
    return bool(
        Recording.objects.filter(pk=recording.pk, state__in=allowed).update(  # scope: internal
            state=RecordingState.FAILED,
            failure=reason,
            failure_detail=detail[-2000:],
            finished_at=timezone.now(),
        )
    )


# --- termination and deletion ------------------------------------------------------------------------------
def do_delete_recording(recording: Recording, *, acting_user) -> None:
    """Delete a recording with every file it has: partial upload, source and renditions."""
    with transaction.atomic():
        record_audit(
            acting_user, "recordings.recording.deleted", recording, changes={"title": recording.title}
        )
        recording_id, upload_id = recording.pk, recording.upload_id
        recording.delete()
        transaction.on_commit(lambda: _delete_files(recording_id, upload_id))


def _delete_files(recording_id: int, upload_id) -> None:
    storage.partial_path(upload_id).unlink(missing_ok=True)
    storage.delete_folder(storage.recording_prefix(recording_id))


# --- chapters -------------------------------------------------------------------------------------
def do_add_chapter(recording: Recording, *, seconds: float, title: str, acting_user) -> Chapter:
    """A teacher's marker on the recording's timeline."""
    with transaction.atomic():
        chapter = Chapter.objects.create(
            recording=recording, seconds=max(0.0, seconds), title=title.strip()[:100], created_by=acting_user
        )
        record_audit(acting_user, "recordings.chapter.added", recording, changes={"title": chapter.title})
    return chapter


def do_delete_chapter(chapter: Chapter, *, acting_user) -> None:
    with transaction.atomic():
        record_audit(
            acting_user, "recordings.chapter.deleted", chapter.recording, changes={"title": chapter.title}
        )
        chapter.delete()

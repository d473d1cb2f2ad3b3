"""Imports as background jobs: store the upload, queue a Celery task, follow its progress, keep its result.

A roster of 10,000 students takes longer to check than a web request may last behind a proxy, so the
import page only checks the header (cheap: wrong files are refused at once), stores the file and queues
a job; the Celery worker (``core.run_import_job``) checks every row, reporting progress on the job row,
and writes a clean file in one short transaction (``tabular_import.run_import``). The job page polls
the job's status and shows the result when it is there.

A job is retry-safe: tasks are acknowledged late, so a task whose worker died runs again. The job is
claimed with a conditional update (queued or running → running), and it is marked done inside the
import's write transaction with another (running → done): a second run finds it done and rolls back,
so a file is never imported twice. The stored file is removed when the job has finished.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanke.celery import app as celery_app
from sanke.core.middleware import RequestContext, current_request_context, request_context
from sanke.core.models import ImportJob, ImportJobStatus
from sanke.core.tabular_import import (
    IMPORT_KINDS,
    ImportAlreadyDone,
    ImportFileError,
    ImportResult,
    RowError,
    run_import,
)

logger = logging.getLogger(__name__)

TASK_NAME = "core.run_import_job"
ACTIVE = (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)


def import_dir() -> Path:
    """Where uploads wait for their job: private to the platform's user (0700, files 0600)."""
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def _store(uploaded) -> str:
    suffix = Path(getattr(uploaded, "name", "") or "").suffix.lower()
    name = uuid.uuid4().hex + (suffix if suffix in {".xlsx", ".csv", ".txt", ".xls", ".et"} else "")
    descriptor = os.open(import_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        uploaded.seek(0)
        for chunk in (
            uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(65536), b"")
        ):
            target.write(chunk)
    return name


def do_submit_import(
    kind_key: str,
    uploaded,
    *,
    acting_user,
    audit_action: str,
    placement: tuple[str, Any] = ("", None),
) -> ImportJob:
    """Store ``uploaded`` and queue its import as ``kind_key``; the task is sent once this transaction
    commits (a worker must find the job). ``placement`` (region code, school) says which admins see the
    job besides its submitter, as for audit rows."""
    if kind_key not in IMPORT_KINDS:
        raise ValueError(f"unknown import kind {kind_key!r}")
    context = current_request_context()
    region_code, school = placement
    job = ImportJob.objects.create(
        submitted_by=acting_user if getattr(acting_user, "pk", None) else None,
        kind=kind_key,
        audit_action=audit_action,
        file_name=(getattr(uploaded, "name", "") or "")[:255],
        stored_file=_store(uploaded),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        ip_address=context.ip_address if context else None,
        user_agent=context.user_agent if context else "",
        region_code=region_code,
        school=school,
    )
    schedule(job.pk)
    return job


def schedule(job_id: int) -> None:
    """Queue the job once the submitting transaction commits (tests replace this to run it at once)."""
    transaction.on_commit(lambda: enqueue(job_id))


def enqueue(job_id: int) -> None:
    """Send the job's task to the worker, by name (the task module imports this one)."""
    celery_app.send_task(TASK_NAME, args=[job_id])


def run_import_job(job_id: int) -> str:
    """The worker's side of a job: claim it, import its file with progress, record the result.

    Returns the job's final status (or its status untouched when another run has it finished).
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=ImportJobStatus.RUNNING,
        phase="reading",
        started_at=now,
        rows_done=0,
        attempts=F("attempts") + 1,
    )
    job = ImportJob.objects.select_related("submitted_by").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job else "missing"
    context = RequestContext(job.ip_address, job.user_agent)
    with translation.override(job.language or settings.LANGUAGE_CODE), request_context(context):
        try:
            result = _import(job)
        except ImportAlreadyDone:
            return ImportJobStatus.DONE
        except ImportFileError as exc:
            _finish(job, ImportJobStatus.FAILED, message=str(exc))
        except Exception:  # noqa: BLE001  (the job must not stay "running" forever)
            logger.exception("import job %s failed", job_id)
            _finish(
                job,
                ImportJobStatus.FAILED,
                message=_(
                    "The import stopped because of an error in the platform. Nothing was imported. Try "
                    "again later, or tell the technical support."
                ),
            )
        else:
            if not result.ok:
                _finish(job, ImportJobStatus.FAILED, result=result)
    _remove_file(job)
    return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).get()


def _import(job: ImportJob) -> ImportResult:
    path = import_dir() / job.stored_file if job.stored_file else None
    if path is None or not path.exists():
        raise ImportFileError(_("The uploaded file is no longer there. Please upload it again."))

    def progress(done: int, total: int) -> None:
        # Every row checked: the write transaction comes next.
        phase = "writing" if total and done == total else "checking"
        ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
            phase=phase, rows_done=done, rows_total=total
        )

    def claim_write(rows: int) -> None:
        # Inside the write transaction: rolled back with it if the write fails.
        finished = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
            status=ImportJobStatus.DONE,
            phase="",
            created=rows,
            rows_done=F("rows_total"),
            errors=[],
            message="",
            finished_at=timezone.now(),
        )
        if not finished:
            raise ImportAlreadyDone

    with path.open("rb") as handle:
        result = run_import(
            IMPORT_KINDS[job.kind],
            File(handle, name=job.file_name),
            acting_user=job.submitted_by,
            audit_action=job.audit_action,
            progress=progress,
            claim_write=claim_write,
        )
    return result


def _finish(job: ImportJob, status: str, *, message: str = "", result: ImportResult | None = None) -> None:
    """Record a job that imported nothing (only a job still running: never overwrite a done one)."""
    ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING).update(
        status=status,
        phase="",
        message=message,
        errors=[error.__dict__ for error in (result.errors if result else [])],
        rows_total=result.rows if result else F("rows_total"),
        finished_at=timezone.now(),
    )


def _remove_file(job: ImportJob) -> None:
    if not job.stored_file:
        return
    (import_dir() / job.stored_file).unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job.pk).update(stored_file="")


def job_result(job: ImportJob) -> ImportResult | None:
    """A finished job's result, as the import page shows it (None while it runs or for a file error)."""
    if not job.finished or job.message:
        return None
    return ImportResult(
        kind=job.kind,
        rows=job.rows_total,
        created=job.created,
        errors=[RowError(**error) for error in job.errors],
    )


def job_status(job: ImportJob) -> dict:
    """What the job page polls: progress, an estimate of the time left, and whether it has finished."""
    remaining = None
    if job.status == ImportJobStatus.RUNNING and job.started_at and job.rows_total and job.rows_done:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        rate = job.rows_done / elapsed if elapsed > 0 else 0
        if rate > 0:
            remaining = round((job.rows_total - job.rows_done) / rate)
    return {
        "status": job.status,
        "phase": job.phase,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": round(100 * job.rows_done / job.rows_total) if job.rows_total else 0,
        "seconds_left": remaining,
        "finished": job.finished,
    }

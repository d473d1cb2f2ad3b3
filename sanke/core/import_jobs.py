"""Imports as background jobs: store the upload, queue a Celery task, follow its progress, keep its result.

A roster of 10,000 students takes longer to check than a web request may last behind a proxy, so the
import page only checks the header (cheap: wrong files are refused at once), stores the file and queues
a job; the Celery worker (``core.run_import_job``) checks every row, reporting progress on the job row,
and writes a clean file in one short transaction (``tabular_import.run_import``). The job page polls
the job's status and shows the result when it is there.

A job is retry-safe: tasks are acknowledged late, so a task whose worker died runs again. The job is
claimed with a conditional update (queued or running → running), and it is marked done inside the
import's write transaction with another (running → done): a second run finds it done and rolls back,
so a file is never imported twice. The stored file is removed when the job has finished. Queueing,
claiming, progress and status are the background-job kernel's (``sanke.core.jobs``).
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from sanke.core import jobs
from sanke.core.jobs import job_status  # noqa: F401  (the import pages' status, as before)
from sanke.core.middleware import request_context
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
    region_code, school = placement
    job = ImportJob.objects.create(
        kind=kind_key,
        audit_action=audit_action,
        file_name=(getattr(uploaded, "name", "") or "")[:255],
        stored_file=_store(uploaded),
        region_code=region_code,
        school=school,
        **jobs.submitter_fields(acting_user),
    )
    jobs.schedule(TASK_NAME, job.pk)
    return job


def run_import_job(job_id: int) -> str:
    """The worker's side of a job: claim it, import its file with progress, record the result.

    Returns the job's final status (or its status untouched when another run has it finished).
    """
    job = jobs.claim(ImportJob, job_id, phase="reading")
    if job is None:
        return jobs.status_of(ImportJob, job_id)
    with translation.override(jobs.language_of(job)), request_context(jobs.request_context_of(job)):
        try:
            result = _import(job)
        except (ImportAlreadyDone, jobs.JobAlreadyDone):
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
    return jobs.status_of(ImportJob, job_id)


def _import(job: ImportJob) -> ImportResult:
    path = import_dir() / job.stored_file if job.stored_file else None
    if path is None or not path.exists():
        raise ImportFileError(_("The uploaded file is no longer there. Please upload it again."))

    def progress(done: int, total: int) -> None:
        # Every row checked: the write transaction comes next.
        jobs.report(job, "writing" if total and done == total else "checking", done, total)

    def claim_write(rows: int) -> None:
        # Inside the write transaction: rolled back with it if the write fails.
        try:
            jobs.mark_done(job, created=rows, rows_done=F("rows_total"), errors=[])
        except jobs.JobAlreadyDone as exc:
            raise ImportAlreadyDone from exc

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
    jobs.finish(
        job,
        status,
        message=message,
        errors=[error.__dict__ for error in (result.errors if result else [])],
        rows_total=result.rows if result else F("rows_total"),
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


jobs.register_runner(TASK_NAME, run_import_job, ImportJob)

"""The background-job kernel: queue a job's Celery task, claim it, report progress, finish it, say its status.

Long work never runs inside a request (issue 12): a page stores what the work needs on a job row (a
concrete ``BackgroundJob`` of ``sanke.core.models``), queues the job's task once its transaction commits,
and moves to the job's page; the page polls ``job_status`` (``sanke/static/sanke/job-progress.js``) and
shows the result from the row when the job has finished, so a user may leave and come back.

A kind of job is: a model (its fields for what to do and what came out), a runner ``run(job_id)`` that
the kind registers under its Celery task name (``register_runner``), a thin Celery task of that name, and
its pages (the progress card is ``{% job_progress %}``). Imports (``sanke.core.import_jobs``) and the
co-scheduling of an alliance or a region (``sanke.timetable.schedule_jobs``) are the first two.

Runs are retry-safe. Tasks are acknowledged late, but not every broker sends a dead worker's task again
(the file broker of ``make run`` has taken it for good, Redis only after its visibility timeout), and a
message can be lost before any worker sees it; so ``sweep_lost_jobs`` (Celery beat, every minute) sends
again the task of a job that waited or ran without a sign of life for too long. A run claims
its job with a conditional update (queued or running → running) and a kind marks it done inside its own
write transaction with another (running → done, ``mark_done``): a second run finds it done and rolls
back, so the work is never written twice. ``finish`` records a failure only on a job still running.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import JsonResponse
from django.utils import timezone, translation

from sanke.celery import app as celery_app
from sanke.core.middleware import RequestContext, current_request_context
from sanke.core.models import BackgroundJob, JobStatus

J = TypeVar("J", bound=BackgroundJob)

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)

_RUNNERS: dict[str, Callable[[int], str]] = {}
_KINDS: dict[str, type[BackgroundJob]] = {}


class JobAlreadyDone(Exception):
    """Raised inside a write transaction when another run has finished the job meanwhile: roll back."""


def register_runner(task_name: str, runner: Callable[[int], str], model: type[BackgroundJob]) -> None:
    """Say which function runs the jobs of ``task_name`` (what ``run_now`` calls in tests and tools) and
    which model holds them (what the sweep looks through)."""
    _RUNNERS[task_name] = runner
    _KINDS[task_name] = model


def submitter_fields(acting_user) -> dict:
    """The fields every job keeps of the request that submitted it (the worker speaks the submitter's
    language and audits with their address)."""
    context = current_request_context()
    return {
        "submitted_by": acting_user if getattr(acting_user, "pk", None) else None,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "ip_address": context.ip_address if context else None,
        "user_agent": context.user_agent if context else "",
    }


def request_context_of(job: BackgroundJob) -> RequestContext:
    return RequestContext(job.ip_address, job.user_agent)


def language_of(job: BackgroundJob) -> str:
    return job.language or settings.LANGUAGE_CODE


def schedule(task_name: str, job_id: int) -> None:
    """Queue the job once the submitting transaction commits (a worker must find the job row).

    Tests replace this with ``run_now`` (fixture ``jobs_run_inline``)."""
    transaction.on_commit(lambda: enqueue(task_name, job_id))


def enqueue(task_name: str, job_id: int) -> None:
    """Send the job's task to the worker, by name (task modules import the kinds, not the other way)."""
    celery_app.send_task(task_name, args=[job_id])


def run_now(task_name: str, job_id: int) -> str:
    """Run a job at once in this process, as the worker would."""
    return _RUNNERS[task_name](job_id)


def claim(model: type[J], job_id: int, phase: str) -> J | None:
    """Take the job for this run (queued, or running when its last worker died); None when it has
    finished or does not exist."""
    claimed = model._default_manager.filter(pk=job_id, status__in=ACTIVE).update(
        status=JobStatus.RUNNING,
        phase=phase,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        rows_done=0,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return model._default_manager.select_related("submitted_by").filter(pk=job_id).first()


def report(job: BackgroundJob, phase: str, done: int, total: int, **fields) -> None:
    """Progress of a running job: ``done`` of ``total`` units of the current phase."""
    type(job)._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        phase=phase, rows_done=done, rows_total=total, heartbeat_at=timezone.now(), **fields
    )


def mark_done(job: BackgroundJob, **fields) -> None:
    """Inside the kind's write transaction: the job is done with these results. Raises ``JobAlreadyDone``
    when another run got there first, so that the caller's transaction rolls back."""
    finished = (
        type(job)
        ._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING)
        .update(status=JobStatus.DONE, phase="", message="", finished_at=timezone.now(), **fields)
    )
    if not finished:
        raise JobAlreadyDone


def finish(job: BackgroundJob, status: str, *, message: str = "", **fields) -> None:
    """Record the end of a job that did not complete (only a job still running: never overwrite a done
    one)."""
    type(job)._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=status, phase="", message=message, finished_at=timezone.now(), **fields
    )


def status_of(model: type[BackgroundJob], job_id: int) -> str:
    return model._default_manager.filter(pk=job_id).values_list("status", flat=True).first() or "missing"


def job_status(job: BackgroundJob) -> dict:
    """What a job page polls: progress, an estimate of the time left, and whether it has finished."""
    return {
        "status": job.status,
        "phase": job.phase,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": round(100 * job.rows_done / job.rows_total) if job.rows_total else 0,
        "seconds_left": job.seconds_left(),
        "finished": job.finished,
    }


def job_status_response(job: BackgroundJob) -> JsonResponse:
    """The status endpoint's answer (never cached: it changes every second)."""
    response = JsonResponse(job_status(job))
    response["Cache-Control"] = "no-store"
    return response


def sweep_lost_jobs(now=None) -> list[tuple[str, int]]:
    """Send again the task of every job that lost its message or its worker; what was sent, by task.

    A job waiting longer than ``SANKE_JOB_QUEUED_GRACE_SECONDS`` since it was submitted (or last sent
    again), or running with no progress for ``SANKE_JOB_STALE_SECONDS`` (its worker died), is sent again.
    Sending twice is harmless: a run claims the job with a conditional update and writes its result only
    while the job is still running (``mark_done``), so the second of two runs changes nothing. Each job
    is sent at most once per grace period, so a busy worker's queue is not flooded."""
    now = now or timezone.now()
    waited = now - dt.timedelta(seconds=settings.SANKE_JOB_QUEUED_GRACE_SECONDS)
    stale = now - dt.timedelta(seconds=settings.SANKE_JOB_STALE_SECONDS)
    sent = []
    for task_name, model in _KINDS.items():
        lost = model._default_manager.filter(
            Q(status=JobStatus.QUEUED, created_at__lt=waited, heartbeat_at__isnull=True)
            | Q(status=JobStatus.QUEUED, heartbeat_at__lt=waited)
            | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
        )
        for job_id in lost.values_list("pk", flat=True):
            # only if nobody touched it meanwhile; the mark makes it wait a grace period before another send
            if model._default_manager.filter(pk=job_id, status__in=ACTIVE).update(heartbeat_at=now):
                enqueue(task_name, job_id)
                sent.append((task_name, job_id))
    return sent

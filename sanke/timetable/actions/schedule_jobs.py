"""The co-scheduling of an alliance or a whole region as a background job (issue 12).

A county holds hundreds of pending series; reading every timetable and bell schedule and the CP-SAT solve
take longer than a request may last, so the scheduling pages queue a ``ScheduleJob`` and move to its
page, which follows the job's phases (reading the timetables: series considered of the total; solving:
the solver's deadline; saving the proposals) and shows which series were placed and why the others were
not. The worker's task is ``timetable.run_schedule_job``; queueing, claiming, progress and status are the
background-job kernel's (``sanke.core.jobs``).

One job per alliance or region at a time: a second submit while one waits or runs gets the running one
(``ScheduleJobBusy``), and a job for a region also waits for the jobs of the alliances and regions inside
it, and they for it — they would write the same series. The rule is backed by a unique index on the
target among active jobs, so two submits at the same instant cannot both start.

The proposals are written as before (``do_schedule_series``): all of them in one transaction, and the
job is marked done inside it, so a task delivered again after its worker died never writes twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanke.core import jobs
from sanke.core.middleware import request_context
from sanke.core.models import JobStatus
from sanke.timetable.actions.series import do_schedule_series
from sanke.timetable.choices import SeriesStatus
from sanke.timetable.models import ScheduleJob, SyncSeries
from sanke.timetable.scheduling.solver import Result, Weights

logger = logging.getLogger(__name__)

TASK_NAME = "timetable.run_schedule_job"
TIME_LIMIT = 10.0  # seconds for CP-SAT: the greedy answer is its floor, the optimum often comes sooner


class ScheduleJobBusy(Exception):
    """A job for the same series waits or runs already; ``job`` is that one."""

    def __init__(self, job: ScheduleJob):
        super().__init__(f"schedule job {job.pk} is active")
        self.job = job


def region_series(region):
    """Every series of the active alliances of ``region`` and the regions below it."""
    return SyncSeries.objects.filter(  # scope: a region the caller manages (checked by its page)
        alliance__region__code__startswith=region.prefix, alliance__is_active=True
    )


def pending_series(job: ScheduleJob) -> list[SyncSeries]:
    """The series the job schedules: those of its alliance or region not yet accepted, read when it runs."""
    queryset = job.alliance.series.all() if job.alliance_id else region_series(job.region)
    return list(
        queryset.exclude(status=SeriesStatus.ACCEPTED)
        .select_related("alliance", "host_teacher", "host_classroom__school")
        .order_by("pk")
    )


def _placement(target) -> tuple[str, str]:
    """(lock key, the region code prefix the target covers)."""
    if hasattr(target, "host_school"):
        return f"alliance:{target.pk}", target.region.code
    return f"region:{target.pk}", target.prefix


def active_job_for(target) -> ScheduleJob | None:
    """The job that waits or runs for ``target`` or for series it shares (regions above or below it)."""
    _key, prefix = _placement(target)
    for job in ScheduleJob.objects.filter(status__in=jobs.ACTIVE).order_by("created_at"):
        if job.lock_key == _key:
            return job
        other = job.region_code
        if (job.region_id and prefix.startswith(other)) or (
            not hasattr(target, "host_school") and other.startswith(prefix)
        ):
            return job
    return None


def do_submit_schedule_job(
    target, *, weights: Weights, allow_moving: bool, acting_user, time_limit: float = TIME_LIMIT
) -> ScheduleJob:
    """Queue the co-scheduling of ``target`` (an alliance or a region) once this transaction commits.

    Raises ``ScheduleJobBusy`` with the active job when one waits or runs for the same series.
    """
    key, prefix = _placement(target)
    is_alliance = hasattr(target, "host_school")
    running = active_job_for(target)
    if running is not None:
        raise ScheduleJobBusy(running)
    try:
        with transaction.atomic():
            job = ScheduleJob.objects.create(
                alliance=target if is_alliance else None,
                region=None if is_alliance else target,
                lock_key=key,
                region_code=prefix,
                school=target.host_school if is_alliance else None,
                weights=weights.__dict__,
                allow_moving=allow_moving,
                time_limit=time_limit,
                **jobs.submitter_fields(acting_user),
            )
    except IntegrityError:  # submitted at the same instant by someone else
        running = active_job_for(target)
        if running is None:
            raise
        raise ScheduleJobBusy(running) from None
    jobs.schedule(TASK_NAME, job.pk)
    return job


def run_schedule_job(job_id: int) -> str:
    """The worker's side: claim the job, schedule its pending series with progress, record the outcome.

    Returns the job's final status (or its status untouched when another run has finished it)."""
    job = jobs.claim(ScheduleJob, job_id, phase="building")
    if job is None:
        return jobs.status_of(ScheduleJob, job_id)
    with translation.override(jobs.language_of(job)), request_context(jobs.request_context_of(job)):
        try:
            _schedule(job)
        except jobs.JobAlreadyDone:
            return JobStatus.DONE
        except Exception:  # noqa: BLE001  (the job must not stay "running" forever)
            logger.exception("schedule job %s failed", job_id)
            jobs.finish(
                job,
                JobStatus.FAILED,
                message=_(
                    "Scheduling stopped because of an error in the platform. No proposal was saved. Try "
                    "again later, or tell the technical support."
                ),
            )
    return jobs.status_of(ScheduleJob, job_id)


def _schedule(job: ScheduleJob) -> Result:
    series_list = pending_series(job)
    jobs.report(job, "building", 0, len(series_list))

    def progress(phase: str, done: int, total: int) -> None:
        extra = {}
        if phase == "solving":
            extra["solve_until"] = timezone.now() + dt.timedelta(seconds=job.time_limit)
        jobs.report(job, phase, done, total, **extra)

    def on_write(result: Result) -> None:
        # Inside the proposals' transaction: both are kept, or neither.
        jobs.mark_done(
            job,
            placed=sorted(result.placements),
            unplaced=sorted(result.unplaced),
            solver_status=result.status,
            seconds=round(result.seconds, 3),
            rows_done=len(series_list),
            rows_total=len(series_list),
        )

    return do_schedule_series(
        series_list,
        weights=Weights(**job.weights),
        allow_moving=job.allow_moving,
        acting_user=job.submitted_by,
        time_limit=job.time_limit,
        progress=progress,
        on_write=on_write,
    )


jobs.register_runner(TASK_NAME, run_schedule_job, ScheduleJob)

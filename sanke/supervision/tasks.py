"""Periodic work of the roll-up (run by the Celery worker's beat, see settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from sanke.supervision import report_jobs
from sanke.supervision.actions import do_fold_recent_lessons, do_send_warning_digests
from sanke.supervision.sending import do_send_rollup


@shared_task(name="supervision.fold_recent_lessons")
def fold_recent_lessons() -> int:
    """Retry-safe: a fold is idempotent. Catches lessons whose fold after commit failed."""
    return do_fold_recent_lessons()


@shared_task(name="supervision.send_warning_digests")
def send_warning_digests() -> int:
    """Retry-safe: each school's digest of a week is claimed by a unique row before it is sent."""
    return do_send_warning_digests()


@shared_task(name=report_jobs.TASK_NAME)
def run_report_job(job_id: int) -> str:
    """Retry-safe (acks_late): claimed and finished with conditional updates; files are rewritten whole."""
    return report_jobs.run_report_job(job_id)


@shared_task(name="supervision.send_rollup")
def send_rollup() -> int:
    """Send the upper deployment what it lacks (nothing when none is configured). Not retried: a failed
    send leaves the watermark where it was, and the next beat resumes from there (decision 0018)."""
    result = do_send_rollup()
    return result.rows

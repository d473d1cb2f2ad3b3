"""Background tasks of the timetable: the co-scheduling of an alliance or a region."""

from celery import shared_task

from sanke.timetable.actions import schedule_jobs


@shared_task(name=schedule_jobs.TASK_NAME)
def run_schedule_job(job_id: int) -> str:
    """Retry-safe (acks_late): the job is claimed and finished with conditional updates, and marked done
    inside the proposals' write transaction, so a second run of the same job never writes twice."""
    return schedule_jobs.run_schedule_job(job_id)

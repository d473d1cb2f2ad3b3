"""Background tasks of the shared kernel."""

from celery import shared_task
from django.db import connection

from sanke.core import import_jobs, jobs


@shared_task(name="core.health_check")
def health_check(token: str) -> dict:
    """Round trip for the status page and tests: proves the worker runs and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"token": token, "database": one == 1}


@shared_task(name="core.run_import_job")
def run_import_job(job_id: int) -> str:
    """Retry-safe (acks_late): the job is claimed and finished with conditional updates, and marked done
    inside the import's write transaction, so a second run of the same job never writes twice."""
    return import_jobs.run_import_job(job_id)


@shared_task(name="core.sweep_lost_jobs")
def sweep_lost_jobs() -> int:
    """Celery beat, every minute: jobs whose message or worker was lost run again (``jobs``)."""
    return len(jobs.sweep_lost_jobs())

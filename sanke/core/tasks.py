"""Background tasks of the shared kernel."""

from celery import shared_task
from django.db import connection


@shared_task(name="core.health_check")
def health_check(token: str) -> dict:
    """Round trip for the status page and tests: proves the worker runs and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"token": token, "database": one == 1}

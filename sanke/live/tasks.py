"""Periodic jobs of live lessons (run by the Celery worker's beat, see settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from sanke.live.actions import do_mark_missed_lessons


@shared_task(name="live.mark_missed_lessons")
def mark_missed_lessons() -> int:
    """Retry-safe: the conditional update only touches lessons still scheduled."""
    return do_mark_missed_lessons()

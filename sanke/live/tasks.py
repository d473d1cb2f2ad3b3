"""Periodic jobs of live lessons (run by the Celery worker's beat, see settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from sanke.live.actions import do_mark_missed_lessons, do_sweep_media_rooms


@shared_task(name="live.mark_missed_lessons")
def mark_missed_lessons() -> int:
    """Retry-safe: the conditional update only touches lessons still scheduled."""
    return do_mark_missed_lessons()


@shared_task(name="live.sweep_media_rooms")
def sweep_media_rooms() -> int:
    """Retry-safe: destroying a room that is already gone is fine, and live rooms are only checked."""
    return do_sweep_media_rooms()

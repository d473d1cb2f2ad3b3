"""Sending a recording to the ``transcode`` queue (by task name, so the senders never import the task)."""

from django.db import transaction

from sanke.celery import app as celery_app

TRANSCODE_TASK = "recordings.transcode"


def schedule_transcode(recording_id: int) -> None:
    """Queue the transcode once the surrounding transaction commits (the worker must find the row)."""
    transaction.on_commit(lambda: celery_app.send_task(TRANSCODE_TASK, args=[recording_id]))

"""A worker that starts looks, one lease later, for transcodes that a killed worker left behind."""

from __future__ import annotations

from celery.signals import worker_ready
from django.conf import settings


def _on_worker_ready(**kwargs) -> None:
    from sanke.recordings.tasks import recover_transcodes

    recover_transcodes.apply_async(countdown=settings.SANKE_TRANSCODE_LEASE_SECONDS + 1)


def connect() -> None:
    worker_ready.connect(_on_worker_ready, weak=False, dispatch_uid="recordings-recover-on-start")

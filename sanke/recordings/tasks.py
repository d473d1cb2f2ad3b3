"""Celery tasks of recordings: thin, retry-safe, on the dedicated ``transcode`` queue for the heavy one."""

from celery import shared_task

from sanke.recordings import transcode as pipeline


@shared_task(name="recordings.transcode", acks_late=True, reject_on_worker_lost=True)
def transcode(recording_id: int) -> str:
    return pipeline.run_transcode(recording_id)


@shared_task(name="recordings.recover_transcodes")
def recover_transcodes() -> int:
    return pipeline.recover_transcodes()

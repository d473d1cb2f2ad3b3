"""Jobs whose message or worker was lost run again (``sanke.core.jobs.sweep_lost_jobs``, beat every minute).

The file broker of ``make run`` drops the task of a worker killed mid-run for good, Redis sends it again
only after an hour, and a message can be lost between the commit and the broker: without the sweep such a
job stayed "waiting" or "running" forever and its page with it.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.utils import timezone

from sanke.core import import_jobs, jobs
from sanke.core.models import ImportJob, ImportJobStatus
from sanke.org.models import Person
from sanke.org.tests.test_import_jobs import TEACHER_HEADER, teacher_rows
from sanke.testing.uploads import xlsx_upload
from sanke.testing.worker import celery_worker_on


def submit(user) -> ImportJob:
    return import_jobs.do_submit_import(
        "teachers", xlsx_upload(TEACHER_HEADER, teacher_rows(3)), acting_user=user, audit_action="org.import"
    )


@pytest.mark.django_db
def test_the_sweep_sends_again_only_jobs_that_waited_or_ran_silent_too_long(
    world, county_admin, monkeypatch, settings
):
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(jobs, "enqueue", lambda task, job_id: sent.append((task, job_id)))
    settings.SANKE_JOB_QUEUED_GRACE_SECONDS = 120
    settings.SANKE_JOB_STALE_SECONDS = 600
    now = timezone.now()
    waiting = submit(county_admin)  # its message is never sent: the test's transaction never commits
    silent = submit(county_admin)
    busy = submit(county_admin)
    done = submit(county_admin)
    jobs_of = ImportJob.objects.filter
    jobs_of(pk=silent.pk).update(status="running", heartbeat_at=now - dt.timedelta(minutes=11))
    jobs_of(pk=busy.pk).update(status="running", heartbeat_at=now - dt.timedelta(minutes=1))
    ImportJob.objects.filter(pk=done.pk).update(status="done", created_at=now - dt.timedelta(hours=1))

    # a job submitted just now waits for its worker; a running one that spoke a minute ago works
    assert jobs.sweep_lost_jobs(now) == [(import_jobs.TASK_NAME, silent.pk)]
    # two minutes later the waiting one is sent again, once: the next sweep waits another grace period
    later = now + dt.timedelta(seconds=121)
    assert jobs.sweep_lost_jobs(later) == [(import_jobs.TASK_NAME, waiting.pk)]
    assert jobs.sweep_lost_jobs(later + dt.timedelta(seconds=60)) == []
    assert (import_jobs.TASK_NAME, waiting.pk) in jobs.sweep_lost_jobs(later + dt.timedelta(seconds=121))
    assert all(job_id != done.pk for _, job_id in sent)


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_message_was_lost_is_imported_by_a_real_worker_after_the_sweep(
    world, county_admin, monkeypatch, settings
):
    # given: a submitted import whose message never reached the broker
    monkeypatch.setattr(jobs, "enqueue", lambda task, job_id: None)
    job = submit(county_admin)
    monkeypatch.undo()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.QUEUED
    with celery_worker_on(connection.settings_dict["NAME"]):
        # when the beat's sweep comes by after the grace period
        later = timezone.now() + dt.timedelta(seconds=settings.SANKE_JOB_QUEUED_GRACE_SECONDS + 1)
        assert jobs.sweep_lost_jobs(later) == [(import_jobs.TASK_NAME, job.pk)]
        # then the worker imports it
        deadline = time.monotonic() + 60
        while ImportJob.objects.get(pk=job.pk).status in jobs.ACTIVE and time.monotonic() < deadline:
            time.sleep(0.1)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.DONE
    assert Person.objects.filter(number__startswith="J0").count() == 3

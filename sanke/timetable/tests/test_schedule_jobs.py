"""Co-scheduling an alliance or a whole county runs as a background job (issue 12).

The promises under test: the scheduling pages answer at once (a job queued, nothing scheduled in the
request); the job reports its phases (series read of the total, the solve with an estimate, the write)
and its page shows, once done, which series were placed and, in plain words, why the others were not;
the proposals are written all together or not at all, and a job run twice writes once; one job per
alliance or region at a time (a second submit leads to the running one); only those who may schedule
the alliance or region see the job; and a real worker runs it end to end.
"""

from __future__ import annotations

import time

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from sanke.core import jobs
from sanke.core.models import AuditEvent
from sanke.timetable.actions import do_save_series
from sanke.timetable.actions import schedule_jobs as schedule_jobs_module
from sanke.timetable.actions.schedule_jobs import run_schedule_job
from sanke.timetable.choices import SeriesStatus
from sanke.timetable.models import ScheduleJob, SeriesSlot, SyncSeries

WEIGHTS = {"move_existing": 10, "consecutive_days": 3, "afternoon_core": 2}


def county(world):
    return world.regions["330127"]


def add_series(world, county_admin, *, subject="书法", per_week=2) -> SyncSeries:
    """A pending series of the central school's alliance for both teaching points (five a week: never
    placeable, Tue and Thu hold the English series)."""
    return do_save_series(
        SyncSeries(
            alliance=world.schools["central"].hosted_alliances.get(),
            subject=subject,
            host_teacher=world.people["central-music"],
            host_classroom=world.classrooms["central-studio"],
            lessons_per_week=per_week,
        ),
        [world.classes["longjing-3"], world.classes["xiajiang-4"]],
        acting_user=county_admin,
    )


def submit_county(client, world):
    return client.post(
        reverse("alliances:region_schedule", args=[county(world).pk]), {"action": "schedule", **WEIGHTS}
    )


def pending(world):
    return set(
        SyncSeries.objects.filter(alliance__region__code__startswith="330127")
        .exclude(status=SeriesStatus.ACCEPTED)
        .values_list("status", flat=True)
    )


# --- the page queues, the job schedules ------------------------------------------------------------
@pytest.mark.django_db
def test_the_county_page_queues_a_job_and_schedules_nothing_in_the_request(world, county_admin, client_for):
    add_series(world, county_admin)
    client = client_for(county_admin)
    # when the county admin presses "Schedule"
    response = submit_county(client, world)
    # then a queued job and its page, and no series has changed yet
    job = ScheduleJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("alliances:schedule_job", args=[job.pk])
    assert (job.status, job.region, job.alliance, job.submitted_by) == (
        "queued",
        county(world),
        None,
        county_admin,
    )
    assert job.weights == WEIGHTS and job.lock_key == f"region:{county(world).pk}"
    assert pending(world) == {SeriesStatus.DRAFT}
    page = client.get(response.url).content.decode()
    assert 'data-testid="schedule-progress"' in page and "job-progress.js" in page
    assert "正在等待后台任务处理" in page
    status = client.get(reverse("alliances:schedule_job_status", args=[job.pk]))
    assert status.json()["status"] == "queued" and status["Cache-Control"] == "no-store"
    # and the county page leads back to it
    region_page = client.get(reverse("alliances:region_schedule", args=[county(world).pk])).content.decode()
    assert 'data-testid="running-schedule-job"' in region_page


@pytest.mark.django_db
def test_a_county_job_reports_its_phases_and_shows_placed_and_unplaced_series(
    world, county_admin, client_for, jobs_run_inline, monkeypatch
):
    # given: the demo's pending music series, a placeable one and one that asks for five a week (only
    # Mon, Wed, Fri are free)
    music = SyncSeries.objects.get(subject="音乐")
    calligraphy = add_series(world, county_admin)
    art = add_series(world, county_admin, subject="美术", per_week=5)
    reports: list[tuple[str, int, int, int | None]] = []
    real_report = jobs.report

    def watch(job, phase, done, total, **fields):
        real_report(job, phase, done, total, **fields)
        stored = ScheduleJob.objects.get(pk=job.pk)
        reports.append((phase, done, total, jobs.job_status(stored)["seconds_left"]))

    monkeypatch.setattr(jobs, "report", watch)
    # when the county schedules (the job runs at once)
    response = submit_county(client_for(county_admin), world)
    # then the job went through its phases, with an estimate while the solver ran
    job = ScheduleJob.objects.get()
    assert job.status == "done", job.message
    assert [r[0] for r in reports] == ["building", "building", "solving", "writing"]
    assert reports[1][1:3] == (3, 3), "every series read"
    assert reports[2][3] is not None and 0 < reports[2][3] <= 10, "the solver's deadline as the estimate"
    assert (job.placed, job.unplaced) == (sorted([music.pk, calligraphy.pk]), [art.pk])
    assert (job.rows_done, job.rows_total) == (3, 3)
    for series in (music, calligraphy, art):
        series.refresh_from_db()
    assert (music.status, calligraphy.status, art.status) == (
        SeriesStatus.PROPOSED,
        SeriesStatus.PROPOSED,
        SeriesStatus.UNPLACED,
    )
    # and its page: the summary, the proposal, and why 美术 could not be placed, in Chinese
    page = client_for(county_admin).get(response.url)
    text = page.content.decode()
    assert "共 3 门同步课程，已排入 2 门" in text
    assert {row["series"].pk for row in page.context["rows"]} == {music.pk, calligraphy.pk, art.pk}
    assert 'data-testid="explanation"' in text and "每周需要 5 节，但只有 3 天" in text
    assert 'data-testid="accept"' in text
    assert 'data-testid="schedule-progress"' not in text
    # accepting from the result page generates the lessons of the county's proposals
    client_for(county_admin).post(
        reverse("alliances:region_schedule", args=[county(world).pk]), {"action": "accept"}
    )
    calligraphy.refresh_from_db()
    assert calligraphy.status == SeriesStatus.ACCEPTED and calligraphy.lessons.count() > 10


@pytest.mark.django_db
def test_an_alliance_job_from_the_alliance_page(world, school_admin, client_for, jobs_run_inline):
    """The coordinator's page queues a job for the alliance only; its result page leads to acceptance."""
    series = SyncSeries.objects.get(subject="音乐")
    alliance = series.alliance
    client = client_for(school_admin)
    response = client.post(reverse("alliances:schedule", args=[alliance.pk]), WEIGHTS)
    job = ScheduleJob.objects.get()
    assert response.url == reverse("alliances:schedule_job", args=[job.pk])
    assert (job.alliance, job.region, job.status, job.placed) == (alliance, None, "done", [series.pk])
    page = client.get(response.url).content.decode()
    assert reverse("alliances:accept", args=[alliance.pk]) in page
    assert 'data-testid="schedule-summary"' in page


@pytest.mark.django_db
def test_the_proposals_are_written_all_together_or_not_at_all(world, county_admin, monkeypatch):
    # given two pending series, and a write that fails on the second proposal
    first = add_series(world, county_admin)
    second = add_series(world, county_admin, subject="美术", per_week=1)
    job = schedule_jobs_module.do_submit_schedule_job(
        county(world), weights=schedule_jobs_module.Weights(), allow_moving=False, acting_user=county_admin
    )
    audits = AuditEvent.objects.filter(action="timetable.schedule.run").count()
    real_create = SeriesSlot.objects.create
    calls = []

    def fail_on_the_third_slot(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(SeriesSlot.objects, "create", fail_on_the_third_slot)
    # when the worker runs the job
    assert run_schedule_job(job.pk) == "failed"
    # then nothing was written, and the page says so in Chinese
    job.refresh_from_db()
    assert job.placed == [] and "没有保存任何排课建议" in job.message
    for series in (first, second):
        series.refresh_from_db()
        assert series.status == SeriesStatus.DRAFT
        assert not series.slots.exists()
    assert AuditEvent.objects.filter(action="timetable.schedule.run").count() == audits


@pytest.mark.django_db
def test_a_job_delivered_twice_schedules_once(world, county_admin):
    add_series(world, county_admin)
    audits = AuditEvent.objects.filter(action="timetable.schedule.run").count()
    job = schedule_jobs_module.do_submit_schedule_job(
        county(world), weights=schedule_jobs_module.Weights(), allow_moving=False, acting_user=county_admin
    )
    # a first worker claimed it and died (the task comes again), then it comes once more after it is done
    ScheduleJob.objects.filter(pk=job.pk).update(status="running", attempts=1)
    assert run_schedule_job(job.pk) == "done"
    assert run_schedule_job(job.pk) == "done"
    assert AuditEvent.objects.filter(action="timetable.schedule.run").count() == audits + 1
    assert ScheduleJob.objects.get(pk=job.pk).attempts == 2


# --- one at a time -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_one_scheduling_job_per_region_or_alliance_at_a_time(world, county_admin, school_admin, client_for):
    add_series(world, county_admin)
    client = client_for(county_admin)
    first = submit_county(client, world)
    # a second submit of the county while the first waits: the running one, no second job
    again = submit_county(client, world)
    job = ScheduleJob.objects.get()
    assert again.url == first.url == reverse("alliances:schedule_job", args=[job.pk])
    assert "正在排课" in client.get(again.url).content.decode()
    # an alliance of the county shares its series: its coordinator is led to the county's job too
    alliance = SyncSeries.objects.get(subject="英语").alliance
    coordinator = client_for(school_admin).post(reverse("alliances:schedule", args=[alliance.pk]), WEIGHTS)
    assert coordinator.url == first.url and ScheduleJob.objects.count() == 1
    # the database backs the rule: a second active job for the same target cannot be stored
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleJob.objects.create(region=county(world), lock_key=job.lock_key, region_code="330127")
    # once the job has finished, a new run may start
    ScheduleJob.objects.filter(pk=job.pk).update(status="done")
    submit_county(client_for(county_admin), world)
    assert ScheduleJob.objects.count() == 2


# --- who sees a job ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_only_those_who_may_schedule_see_the_job(world, county_admin, school_admin, outsider, client_for):
    add_series(world, county_admin)
    submit_county(client_for(county_admin), world)
    county_job = ScheduleJob.objects.get()
    alliance = SyncSeries.objects.get(subject="英语").alliance
    alliance_job = ScheduleJob.objects.create(
        alliance=alliance, lock_key=f"alliance:{alliance.pk}", region_code="330127", status="done"
    )
    expectations = (
        (county_admin, county_job, 200),
        (county_admin, alliance_job, 200),
        (school_admin, alliance_job, 200),  # the coordinator of that alliance
        (school_admin, county_job, 404),  # a school admin does not schedule the county
        (outsider, county_job, 404),  # another county's admin
        (outsider, alliance_job, 404),
        (world.users["teacher"], alliance_job, 404),
    )
    for user, job, expected in expectations:
        client = client_for(user)
        assert client.get(reverse("alliances:schedule_job", args=[job.pk])).status_code == expected, user
        status = client.get(reverse("alliances:schedule_job_status", args=[job.pk]))
        assert status.status_code == expected, user


# --- end to end, with a real worker --------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_county_is_scheduled_by_a_real_worker(world, county_admin, job_worker):
    calligraphy = add_series(world, county_admin)
    client = Client()
    client.force_login(county_admin)
    response = submit_county(client, world)
    assert response.status_code == 302
    job = ScheduleJob.objects.get()
    deadline = time.monotonic() + 90
    while not client.get(reverse("alliances:schedule_job_status", args=[job.pk])).json()["finished"]:
        assert time.monotonic() < deadline, "the worker did not finish the job"
        time.sleep(0.2)
    job.refresh_from_db()
    assert (job.status, job.attempts, len(job.placed)) == ("done", 1, 2), job.message
    calligraphy.refresh_from_db()
    assert calligraphy.status == SeriesStatus.PROPOSED and calligraphy.slots.count() == 2
    page = client.get(response.url)
    assert {row["series"].pk for row in page.context["rows"]} == set(job.placed)

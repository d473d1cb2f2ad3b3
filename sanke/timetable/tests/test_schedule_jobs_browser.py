"""The county admin schedules the whole county in the background — in headless Chromium.

Press "Schedule" on the county's page: the job page shows the job waiting, survives a reload, follows
the phases as the worker reports them (with an estimate), then shows the result: the series placed and,
in plain Chinese, why one could not be; the proposals are accepted from there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from sanke.core import jobs
from sanke.testing.worker import celery_worker_on
from sanke.timetable.actions import do_save_series
from sanke.timetable.actions.schedule_jobs import TASK_NAME
from sanke.timetable.choices import SeriesStatus
from sanke.timetable.models import ScheduleJob, SyncSeries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_series(world, subject: str, per_week: int) -> SyncSeries:
    return do_save_series(
        SyncSeries(
            alliance=world.schools["central"].hosted_alliances.get(),
            subject=subject,
            host_teacher=world.people["central-music"],
            host_classroom=world.classrooms["central-studio"],
            lessons_per_week=per_week,
        ),
        [world.classes["longjing-3"], world.classes["xiajiang-4"]],
        acting_user=None,
    )


def test_the_county_is_scheduled_in_the_background_with_progress(
    world, page_for, live_server, screenshot, django_db_setup
):
    calligraphy = add_series(world, "书法", 2)
    add_series(world, "美术", 5)  # five a week: only Mon, Wed, Fri are free for both teaching points
    region = world.regions["330127"]
    page = page_for("county_admin")
    page.goto(f"{live_server.url}/alliances/regions/{region.pk}/schedule/")
    expect(page.locator("body")).to_contain_text("3 门同步课程待排时间")
    page.click("[data-testid=schedule]")

    # the job page at once: the job waits for the worker (none runs yet)
    expect(page.get_by_test_id("schedule-progress")).to_be_visible()
    expect(page.get_by_test_id("schedule-phase")).to_have_text("正在等待后台任务处理…")
    job = ScheduleJob.objects.get()
    # a reload keeps it: the job lives on the server; the county page leads back to it
    page.reload()
    expect(page.get_by_test_id("schedule-job")).to_contain_text(region.name)
    page.goto(f"{live_server.url}/alliances/regions/{region.pk}/schedule/")
    page.get_by_test_id("running-schedule-job").get_by_role("link").click()
    expect(page.get_by_test_id("schedule-progress")).to_be_visible()

    # the page follows what the worker reports: here, the solver at work with 3 series read
    ScheduleJob.objects.filter(pk=job.pk).update(
        status="running",
        phase="solving",
        rows_done=3,
        rows_total=3,
        started_at=timezone.now(),
        solve_until=timezone.now() + dt.timedelta(seconds=8),
    )
    expect(page.get_by_test_id("schedule-phase")).to_have_text("正在查找各方都合适的上课时间…")
    expect(page.get_by_test_id("schedule-rows")).to_have_text("已读取 3 / 3 门同步课程")
    expect(page.get_by_test_id("schedule-left")).to_contain_text("预计还需")
    expect(page.get_by_test_id("job-status")).to_have_text("进行中")
    screenshot(page, "schedule-job-progress")

    # a worker starts (it clears the queue of earlier test runs, so the task is sent again, as after a
    # worker died) and takes the job: a job found running is one whose worker died, it runs it again
    with celery_worker_on(connection.settings_dict["NAME"]):
        jobs.enqueue(TASK_NAME, job.pk)
        result = page.get_by_test_id("schedule-result")
        expect(result).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("schedule-summary")).to_have_text(
        "共 3 门同步课程，已排入 2 门；请查看其余课程无法排入的原因。"
    )
    row = result.locator("tr[data-series]", has_text="书法")
    expect(row.get_by_test_id("series-status")).to_have_text("已提议时间")
    explanation = result.get_by_test_id("explanation")
    expect(explanation).to_contain_text("每周需要 5 节，但只有 3 天")
    screenshot(page, "schedule-job-result")

    # accept from the result page: the county page shows the series scheduled
    page.click("[data-testid=accept]")
    expect(page.locator(".alert-success")).to_be_visible()
    calligraphy.refresh_from_db()
    assert calligraphy.status == SeriesStatus.ACCEPTED and calligraphy.lessons.count() > 10

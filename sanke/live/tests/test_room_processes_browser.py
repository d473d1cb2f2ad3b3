"""A live lesson whose host and classroom are served by different web processes, as under ``make run``.

``make run`` serves pages with several uvicorn worker processes and no Redis; the channel layer then
crosses between the processes through Unix sockets (sanke/core/socket_layer.py). Which worker accepts a
connection is the kernel's choice, so the test makes it certain: two servers with make run's settings
(``SANKE_WEB_WORKERS=2``) on one database and one var directory, the host on one, the classroom on the other.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanke.testing.browser import open_as, wait_until
from sanke.testing.servers import platform_server, server_environment
from sanke.timetable.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_host_and_a_classroom_on_different_processes_hear_each_other(world, media_browser):
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=39)
    )
    # make run's channel layer even where the suite runs with Redis (CI): no SANKE_REDIS_URL
    env = server_environment(SANKE_MEDIA_BACKEND="p2p", SANKE_WEB_WORKERS="2", SANKE_REDIS_URL="")
    path = f"/live/lessons/{lesson.pk}/"
    with platform_server(env) as first_process, platform_server(env) as second_process:
        host = open_as(media_browser, first_process, world.users["teacher"], path)
        classroom = open_as(media_browser, second_process, world.users["terminal_longjing"], path)
        expect(classroom.locator("[data-live=connection]")).to_have_class("badge bg-green-lt", timeout=15000)

        host.click("[data-action=start]")
        wait_until(classroom, "window.sankeLive.state.status === 'live'", 15000)
        host.fill("[data-form=chat] [name=text]", "请大家看黑板")
        host.click("[data-form=chat] button")
        wait_until(classroom, "window.sankeLive.state.chat.some((m) => m.text === '请大家看黑板')", 15000)
        classroom.fill("[data-form=chat] [name=text]", "龙井收到")
        classroom.click("[data-form=chat] button")
        wait_until(host, "window.sankeLive.state.chat.some((m) => m.text === '龙井收到')", 15000)
        for page in (host, classroom):
            page.context.close()

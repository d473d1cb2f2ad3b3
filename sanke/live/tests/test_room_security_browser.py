"""The lesson page when the server closes its socket because the account changed: it says so in Chinese and
stops reconnecting (uvicorn on loopback, headless Chromium)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sanke.testing.browser import open_as
from sanke.testing.servers import platform_server, server_environment
from sanke.timetable.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asgi_server(transactional_db):
    with platform_server(server_environment(SANKE_MEDIA_BACKEND="p2p")) as base:
        yield base


def test_a_disabled_account_sees_why_its_lesson_page_stopped_and_it_does_not_reconnect(
    world, asgi_server, browser
):
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=39)
    )
    student_user = world.users["student"]
    student = open_as(browser, asgi_server, student_user, reverse("live:room", args=[lesson.pk]))
    sockets = []
    student.on("websocket", lambda ws: sockets.append(ws.url))
    expect(student.locator("[data-live=connection]")).to_have_text("已连接")

    # the county admin disables the account in the server process (where the socket lives)
    admin = open_as(browser, asgi_server, world.users["county_admin"], reverse("accounts:account_list"))
    token = next(c["value"] for c in admin.context.cookies() if c["name"] == "csrftoken")
    response = admin.context.request.post(
        asgi_server + reverse("accounts:account_action", args=[student_user.pk]),
        form={"action": "disable", "csrfmiddlewaretoken": token},
        headers={"Referer": asgi_server + reverse("accounts:account_list")},
        max_redirects=0,
    )
    assert response.status == 302

    notice = student.locator("[data-live=notice]")
    expect(notice).to_have_text("账号状态已变更，请重新登录。")
    expect(student.locator("[data-live=connection]")).to_have_text("账号状态已变更，请重新登录。")
    opened = len(sockets)
    student.wait_for_timeout(2500)  # the page reconnects after 1 s when a connection merely drops
    assert len(sockets) == opened  # no new socket was opened
    for page in (student, admin):
        page.context.close()

"""Moves beyond the host's periods, and the host teacher's request to move their own lesson.

A lesson may move to any agreed time that passes the clash checks for every participant; the teacher of a
lesson may ask to move it, and whoever manages the host school confirms (the lesson moves) or declines.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sanke.core.models import AuditEvent
from sanke.notifications.models import Notification
from sanke.timetable.choices import MoveRequestStatus
from sanke.timetable.models import Lesson, LessonMoveRequest, Period

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 11, 24)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.fixture
def client_for(client_for, settings):
    """The shared ``client_for``, reading the pages in English (the messages asserted on are English)."""

    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def the_lesson() -> Lesson:
    return Lesson.objects.get(date=TUESDAY, series__subject="英语")


def where(lesson: Lesson) -> tuple:
    lesson.refresh_from_db()
    return lesson.date, lesson.starts_at, lesson.ends_at, lesson.host_period_id, lesson.moved_from


def test_a_lesson_moves_to_an_agreed_time_outside_every_period(world, county_admin, client_for):
    # given Wednesday 16:00, after school everywhere and free for the teacher, the studio and both classes
    lesson = the_lesson()
    # when the county moves the lesson there
    response = client_for(county_admin).post(
        reverse("timetable:lesson_move", args=[lesson.pk]), {"date": WEDNESDAY.isoformat(), "start": "16:00"}
    )
    # then it takes place then (16:00 Shanghai = 08:00 UTC), for its 40 minutes, shown in the host's last row
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.starts_at == dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    assert lesson.ends_at == dt.datetime(2026, 11, 25, 8, 40, tzinfo=dt.UTC)
    assert lesson.host_period == Period.objects.get(school=world.schools["host"], number=6)
    assert AuditEvent.objects.filter(action="timetable.lesson.moved").count() == 1


def test_an_agreed_time_that_clashes_for_a_receiving_class_is_refused(world, county_admin, client_for):
    # given Wednesday 08:10, when 龙井 三年级 and 下姜 四年级 have 语文 in their first period
    lesson = the_lesson()
    before = where(lesson)
    # when the county tries to move the lesson there
    response = client_for(county_admin).post(
        reverse("timetable:lesson_move", args=[lesson.pk]), {"date": WEDNESDAY.isoformat(), "start": "08:10"}
    )
    # then every clash is listed and nothing moved
    errors = " ".join(response.context["move_form"].non_field_errors())
    assert "龙井教学点" in errors and "下姜教学点" in errors and "语文" in errors
    assert where(lesson) == before
    # and a time in the night is refused plainly
    response = client_for(county_admin).post(
        reverse("timetable:lesson_move", args=[lesson.pk]), {"date": WEDNESDAY.isoformat(), "start": "23:30"}
    )
    assert "between 06:00 and 22:00" in " ".join(response.context["move_form"].non_field_errors())
    assert where(lesson) == before


def test_the_teacher_asks_to_move_their_lesson_and_the_school_confirms(
    world, host_teacher, school_admin, client_for
):
    lesson = the_lesson()
    before = where(lesson)
    teacher = client_for(host_teacher)
    # the teacher still may not move it directly
    assert (
        teacher.post(
            reverse("timetable:lesson_move", args=[lesson.pk]),
            {"date": WEDNESDAY.isoformat(), "start": "16:00"},
        ).status_code
        == 403
    )
    # when the teacher opens the lesson, a request form is offered, and they ask for Wednesday 16:00
    page = teacher.get(reverse("timetable:lesson", args=[lesson.pk])).content.decode()
    assert 'data-testid="move-request-form"' in page and 'data-testid="move-form"' not in page
    notes = Notification.objects.filter(school=world.schools["host"]).count()
    response = teacher.post(
        reverse("timetable:lesson_move_request", args=[lesson.pk]),
        {"date": WEDNESDAY.isoformat(), "start": "16:00", "note": "区教研活动"},
    )
    # then the lesson has not moved, the request waits, and the host school is told
    assert response.status_code == 302
    assert where(lesson) == before
    request = LessonMoveRequest.objects.get(lesson=lesson)
    assert request.status == MoveRequestStatus.PENDING and request.requested_by == host_teacher
    assert Notification.objects.filter(school=world.schools["host"]).count() == notes + 1
    # a second request while one waits is refused
    again = teacher.post(
        reverse("timetable:lesson_move_request", args=[lesson.pk]),
        {"date": WEDNESDAY.isoformat(), "start": "16:00"},
    )
    assert "already waiting" in " ".join(again.context["request_form"].non_field_errors())
    # the teacher cannot confirm their own request
    decide = reverse("timetable:move_request_decide", args=[request.pk])
    assert teacher.post(decide, {"decision": "confirm"}).status_code == 403
    # when the school admin confirms it on the lesson page
    school = client_for(school_admin)
    assert (
        'data-testid="confirm-move"'
        in school.get(reverse("timetable:lesson", args=[lesson.pk])).content.decode()
    )
    assert school.post(decide, {"decision": "confirm"}).status_code == 302
    # then the lesson moved, and the request is confirmed once
    lesson.refresh_from_db()
    assert lesson.starts_at == dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    request.refresh_from_db()
    assert request.status == MoveRequestStatus.CONFIRMED and request.decided_by == school_admin
    school.post(decide, {"decision": "decline"})
    request.refresh_from_db()
    assert request.status == MoveRequestStatus.CONFIRMED


def test_only_the_lessons_own_teacher_may_ask_and_outsiders_see_nothing(world, client_for):
    lesson = the_lesson()
    url = reverse("timetable:lesson_move_request", args=[lesson.pk])
    data = {"date": WEDNESDAY.isoformat(), "start": "16:00"}
    assert client_for(world.users["researcher"]).post(url, data).status_code == 403
    assert client_for(world.users["outsider_teacher"]).post(url, data).status_code == 404
    assert not LessonMoveRequest.objects.exists()


def test_a_declined_request_leaves_the_lesson_where_it_was(world, host_teacher, school_admin, client_for):
    lesson = the_lesson()
    before = where(lesson)
    client_for(host_teacher).post(
        reverse("timetable:lesson_move_request", args=[lesson.pk]),
        {"date": WEDNESDAY.isoformat(), "start": "16:00"},
    )
    request = LessonMoveRequest.objects.get(lesson=lesson)
    decide = reverse("timetable:move_request_decide", args=[request.pk])
    assert client_for(school_admin).post(decide, {"decision": "decline"}).status_code == 302
    request.refresh_from_db()
    assert request.status == MoveRequestStatus.DECLINED
    assert where(lesson) == before

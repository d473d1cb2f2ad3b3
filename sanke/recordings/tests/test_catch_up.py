"""A student's catch-up: the ready recordings of their class's recent lessons, and only theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sanke.recordings.choices import RecordingState
from sanke.recordings.selectors import CATCH_UP_DAYS, catch_up
from sanke.recordings.tests.factories import published_recording
from sanke.timetable.models import Lesson

pytestmark = pytest.mark.django_db

LESSON_DAY = dt.date(2026, 11, 24)


@pytest.fixture
def ready(world, host_teacher, english_lesson):
    recording, _ = published_recording(english_lesson, host_teacher)
    return recording


def test_the_class_that_received_the_lesson_sees_its_recording(world, ready, student):
    class_id = world.classes["longjing-3"].pk
    assert catch_up(student, class_id, today=LESSON_DAY + dt.timedelta(days=2)) == [ready]
    # before the lesson, and once the window has passed, nothing
    assert catch_up(student, class_id, today=LESSON_DAY - dt.timedelta(days=1)) == []
    assert catch_up(student, class_id, today=LESSON_DAY + dt.timedelta(days=CATCH_UP_DAYS + 1)) == []


def test_a_class_that_did_not_receive_it_sees_nothing(world, ready, student):
    other = world.classes["central-4"]
    assert not Lesson.objects.filter(pk=ready.lesson_id, series__receiving_classes=other).exists()
    assert catch_up(student, other.pk, today=LESSON_DAY + dt.timedelta(days=2)) == []


def test_a_recording_not_ready_yet_is_not_offered(world, ready, student):
    ready.state = RecordingState.PROCESSING
    ready.save(update_fields=["state"])
    assert catch_up(student, world.classes["longjing-3"].pk, today=LESSON_DAY + dt.timedelta(days=2)) == []


@pytest.mark.clock("2026-11-26 19:30")
def test_the_students_home_page_shows_the_catch_up_and_staff_do_not_get_it(
    world, ready, student, host_teacher
):
    client = Client()
    client.force_login(student)
    body = client.get("/").content.decode()
    assert 'data-testid="catch-up"' in body and f"/recordings/{ready.pk}/" in body
    assert client.get(f"/recordings/{ready.pk}/").status_code == 200
    client.force_login(host_teacher)
    assert 'data-testid="catch-up"' not in client.get("/").content.decode()

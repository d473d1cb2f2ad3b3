"""Fixtures the lesson-room tests share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sanke.timetable.models import Lesson


@pytest.fixture
def lesson(world):
    """Today's English lesson of the demo world, moved to now, so that the host may start it."""
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=39)
    )
    lesson.refresh_from_db()
    return lesson

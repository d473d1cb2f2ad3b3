"""The home page's lessons of today offer "enter" while a lesson can still be entered, and not after."""

from __future__ import annotations

import pytest

from sanke.live.selectors import todays_lessons

pytestmark = pytest.mark.django_db


def _english(world, student):
    class_id = world.classes["longjing-3"].pk
    lessons = todays_lessons(student, receiving_class_id=class_id)
    (lesson,) = [x for x in lessons if x.series.subject == "英语"]
    return lesson


@pytest.mark.clock("2026-11-24 08:00")  # a Tuesday: the English lesson at 09:50 is still ahead
def test_a_lesson_ahead_can_be_entered(world, student):
    assert _english(world, student).enterable


@pytest.mark.clock("2026-11-24 19:30")  # the evening: never started, not yet marked missed by the beat
def test_a_lesson_whose_time_has_passed_offers_no_enter(world, student):
    lesson = _english(world, student)
    assert lesson.status == "scheduled" and not lesson.enterable

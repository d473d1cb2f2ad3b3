"""Events timetable sends for the layers above it (Django signals).

``lessons_changed`` (``lesson_ids``) is sent after the commit of every change to when or whether lessons take
place: a move, a cancellation, the lessons of an accepted series. Timetable knows nothing of who listens; live
pushes it to the classroom terminals that receive those lessons, so they read their day at once.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

lessons_changed = Signal()


def send_lessons_changed_on_commit(lesson_ids) -> None:
    ids = sorted(set(lesson_ids))
    if ids:
        transaction.on_commit(lambda: lessons_changed.send(sender=None, lesson_ids=ids))

"""Read queries of timetables: week grids (``grid``) and lessons (``lessons``).

The public names of both modules are re-exported here, so ``from sanke.timetable import selectors`` and
``from sanke.timetable.selectors import lesson_queryset`` keep working.
"""

from sanke.timetable.selectors.grid import (
    ENTRY,
    HOST,
    RECEIVER,
    SYNC,
    GridCell,
    GridItem,
    GridRow,
    WeekGrid,
    alliance_week,
    class_week,
    classroom_week,
    school_week,
    teacher_week,
)
from sanke.timetable.selectors.lessons import (
    ReceivingEnd,
    class_lessons,
    classroom_lessons,
    lesson_queryset,
    lessons_on,
    receiving_ends,
    school_lessons,
    subjects_visible_to,
    teacher_lessons,
    upcoming_lessons,
)

__all__ = [
    "ENTRY",
    "HOST",
    "RECEIVER",
    "SYNC",
    "GridCell",
    "GridItem",
    "GridRow",
    "ReceivingEnd",
    "WeekGrid",
    "alliance_week",
    "class_lessons",
    "class_week",
    "classroom_lessons",
    "classroom_week",
    "lesson_queryset",
    "lessons_on",
    "receiving_ends",
    "school_lessons",
    "school_week",
    "subjects_visible_to",
    "teacher_lessons",
    "teacher_week",
    "upcoming_lessons",
]

"""Which weekday's timetable a school follows on a date: terms, holidays and make-up days (调休)."""

from __future__ import annotations

import datetime as dt

from sanke.timetable.choices import SCHOOL_WEEK, DayKind
from sanke.timetable.models import CalendarDay, Term


class SchoolCalendar:
    """Answers ``follows(school_id, date)`` for many schools and dates with two queries per school."""

    def __init__(self):
        self._terms: dict[int, list[Term]] = {}
        self._days: dict[int, dict[dt.date, CalendarDay]] = {}

    def _load(self, school_id: int) -> None:
        if school_id in self._terms:
            return
        self._terms[school_id] = list(Term.objects.filter(school_id=school_id))
        self._days[school_id] = {
            day.date: day for day in CalendarDay.objects.filter(term__school_id=school_id)
        }

    def follows(self, school_id: int, date: dt.date) -> int | None:
        """The weekday (1–7) whose timetable the school follows on ``date``, or None if it does not teach.

        Inside a term: holidays are off, make-up days follow the weekday they name, weekends are off.
        A school without a term covering the date is assumed to teach Monday to Friday.
        """
        self._load(school_id)
        exception = self._days[school_id].get(date)
        if exception is not None and any(t.start <= date <= t.end for t in self._terms[school_id]):
            if exception.kind == DayKind.HOLIDAY:
                return None
            return exception.follows_weekday or date.isoweekday()
        return date.isoweekday() if date.isoweekday() in SCHOOL_WEEK else None


def dates_between(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)

"""State changes of a school's timetable set-up: terms with their calendar, period grids (节次) and
timetable entries."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanke.core.audit import record_audit
from sanke.timetable.models import Lesson, Period, SeriesSlot, Term, TimetableEntry


def _save(obj, noun: str, *, acting_user, changes=None):
    created = obj.pk is None
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        record_audit(
            acting_user, f"timetable.{noun}.{'created' if created else 'updated'}", obj, changes=changes
        )
    return obj


def do_save_term(term: Term, days: list, *, acting_user, changes=None) -> Term:
    """Save a term with its holidays and make-up days (``days``: unsaved CalendarDay objects) at once."""
    with transaction.atomic():
        _save(term, "term", acting_user=acting_user, changes=changes)
        term.days.all().delete()
        for day in days:
            day.term = term
            day.full_clean()
            day.save()
    return term


def do_set_period_grid(school, periods: list[tuple[int, dt.time, dt.time]], *, acting_user) -> list[Period]:
    """Replace a school's period grid (节次). Periods still used by timetable entries keep their rows."""
    numbers = sorted(number for number, _start, _end in periods)
    if len(numbers) != len(set(numbers)):
        raise ValidationError(_("Each period number may appear only once."))
    ordered = sorted(periods)
    for (_n1, _s1, end1), (_n2, start2, _e2) in zip(ordered, ordered[1:], strict=False):
        if start2 < end1:
            raise ValidationError(_("Periods overlap: a period starts before the previous one ends."))
    with transaction.atomic():
        kept = []
        for number, start, end in periods:
            period, _created = Period.objects.update_or_create(
                school=school, number=number, defaults={"start": start, "end": end}
            )
            period.full_clean()
            kept.append(period)
        removed = Period.objects.filter(school=school).exclude(number__in=numbers)
        if removed.filter(entries__isnull=False).exists():
            raise ValidationError(_("A removed period is still used by class timetables; clear those first."))
        if (
            SeriesSlot.objects.filter(host_period__in=removed).exists()
            or Lesson.objects.filter(host_period__in=removed).exists()
        ):
            raise ValidationError(
                _("A removed period still has scheduled sync lessons; move or cancel those first.")
            )
        removed.delete()
        record_audit(
            acting_user,
            "timetable.periods.updated",
            school,
            changes={"periods": [f"{n} {s:%H:%M}-{e:%H:%M}" for n, s, e in ordered]},
        )
    return kept


def do_save_entry(entry: TimetableEntry, *, acting_user, changes=None) -> TimetableEntry:
    """Set what a class has in one period of the week."""
    return _save(entry, "entry", acting_user=acting_user, changes=changes)


def do_delete_entry(entry: TimetableEntry, *, acting_user) -> None:
    with transaction.atomic():
        record_audit(acting_user, "timetable.entry.deleted", entry)
        entry.delete()

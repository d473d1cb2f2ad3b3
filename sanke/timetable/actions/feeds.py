"""Resetting calendar addresses: a user's own, or a classroom's for everyone (``CalendarLinkVersion``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from sanke.core.audit import record_audit
from sanke.timetable.models import CalendarLinkVersion


def do_reset_calendar_links(user, *, acting_user) -> None:
    """Revoke every calendar address ``user`` was given (teacher and classroom feeds alike), for a lost
    phone or a link shared by mistake; the pages then show new addresses to subscribe again."""
    with transaction.atomic():
        row, _ = CalendarLinkVersion.objects.get_or_create(user=user)
        CalendarLinkVersion.objects.filter(pk=row.pk).update(version=F("version") + 1)
        record_audit(acting_user, "timetable.calendar_links_reset", user)


def do_reset_classroom_calendar_links(classroom, *, acting_user) -> None:
    """Revoke every address of ``classroom``'s calendar, whoever subscribed: when a classroom's address
    went around (a poster, a group chat), its school's manager closes them all at once."""
    with transaction.atomic():
        row, _ = CalendarLinkVersion.objects.get_or_create(classroom=classroom)
        CalendarLinkVersion.objects.filter(pk=row.pk).update(version=F("version") + 1)
        record_audit(acting_user, "timetable.classroom_calendar_links_reset", classroom)

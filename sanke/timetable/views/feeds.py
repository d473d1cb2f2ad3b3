"""iCal feeds of a teacher's or classroom's lessons, for calendar apps (a signed token, no login)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanke.timetable import ical, selectors
from sanke.timetable.access import access_classroom, access_teacher


@require_GET
def ical_feed(request, token):
    """A teacher's or classroom's lessons for calendar apps; the token stands in for a login."""
    data = ical.read_token(token)
    if data is None:
        raise Http404
    subscriber = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if subscriber is None:
        raise Http404
    try:
        if data["k"] == ical.TEACHER:
            person = access_teacher(subscriber, data["id"])
            name = f"{person.name} · {_('Sync lessons')}"
            lessons = selectors.teacher_lessons(subscriber, person)
        else:
            classroom = access_classroom(subscriber, data["id"])
            name, lessons = str(classroom), selectors.classroom_lessons(subscriber, classroom)
    except PermissionDenied:
        raise Http404 from None  # the subscriber lost access since: the feed is gone
    response = HttpResponse(ical.feed_calendar(name, lessons), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{data["k"]}-{data["id"]}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response

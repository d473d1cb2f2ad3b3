"""iCal feeds of a teacher's or classroom's lessons, for calendar apps (a signed token, no login), and the
reset that revokes the addresses given out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanke.core.scoping import scope_for
from sanke.timetable import ical, selectors
from sanke.timetable.access import access_classroom, access_teacher
from sanke.timetable.actions import do_reset_calendar_links, do_reset_classroom_calendar_links


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


@login_required
@require_POST
def reset_links(request):
    """Revoke every calendar address the signed-in user was given (their own things only), from the page
    that shows one; back to that page, which shows the new address."""
    kind, raw_pk = request.POST.get("kind"), request.POST.get("pk", "")
    if kind not in ical.KINDS or not raw_pk.isascii() or not raw_pk.isdigit() or len(raw_pk) > 18:
        raise Http404
    pk = int(raw_pk)
    if kind == ical.TEACHER:
        access_teacher(request.user, pk)
    else:
        access_classroom(request.user, pk)
    do_reset_calendar_links(request.user, acting_user=request.user)
    messages.success(
        request,
        _(
            "Your old calendar addresses have stopped working. Copy the new address below and "
            "subscribe again in your calendar app."
        ),
    )
    return redirect("timetable:teacher" if kind == ical.TEACHER else "timetable:classroom", pk)


@login_required
@require_POST
def reset_classroom_links(request, classroom_pk):
    """Revoke every calendar address of a classroom, for everyone (its school's managers only)."""
    classroom = access_classroom(request.user, classroom_pk)
    if not scope_for(request.user).can_manage_school(classroom.school):
        raise PermissionDenied
    do_reset_classroom_calendar_links(classroom, acting_user=request.user)
    messages.success(
        request,
        _(
            "Every calendar address of this classroom has stopped working. Whoever still needs it "
            "copies the new address from this page and subscribes again."
        ),
    )
    return redirect("timetable:classroom", classroom.pk)

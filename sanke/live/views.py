"""The lesson room pages: the host's console, the classroom terminal's big screen, an observer's view, and a
student's answer pad on their own device."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanke.core.access import access_object
from sanke.core.scoping import scope_for
from sanke.live.access import may_read_record, participant
from sanke.live.actions import MediaRoomClosed, do_check_media_roster, do_issue_media_ticket
from sanke.live.events import replay
from sanke.live.media.backend import choose_backend
from sanke.live.media.janus import JanusError
from sanke.live.models import LessonEvent
from sanke.live.selectors import classrooms_by_id, receiving_classrooms, terminal_agenda
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson

TEMPLATES = {
    "host": "live/host.html",
    "classroom": "live/terminal.html",
    "observer": "live/observer.html",
    "student": "live/student.html",
}


def room_texts(role: str) -> dict[str, str]:
    """The words the room's scripts show, translated here: the pages' modules hold no UI text."""
    texts = {
        "connected": _("connected"),
        "reconnecting": _("reconnecting…"),
        # why the server closed the socket (live/consumers.py CLOSE_*): the page stops reconnecting
        "closed_account": _("Your account has changed. Please log in again."),
        "closed_forbidden": _("You can no longer take part in this lesson."),
        "closed_too_many": _("Too many messages were sent, so the connection was closed. Reload the page."),
    }
    if role == "classroom":
        texts |= {
            "over": _("This lesson has ended. The screen returns to its countdown by itself."),
            "moved_away": _("This lesson is not on now (moved or cancelled). Back to the countdown…"),
        }
    if role == "host":
        texts |= {
            "good": _("Connection good"),
            "fair": _("Connection unsteady"),
            "poor": _("Struggling: video reduced, audio kept"),
        }
    elif role == "student":
        texts |= {
            "single": _("Tap one answer. You can change it until the teacher closes the question."),
            "multiple": _("Choose every answer you think is right, then submit."),
            "sent": _("Sent: "),
        }
    return {key: str(value) for key, value in texts.items()}


@login_required
def lesson_room(request, pk):
    lesson = access_object(
        Lesson,
        request.user,
        pk,
        queryset=Lesson.objects.select_related(
            "series__alliance", "series__host_teacher", "series__host_classroom"
        ),
    )
    who = participant(request.user, lesson)
    if who is None:
        raise PermissionDenied
    classrooms = receiving_classrooms(lesson)
    config = {
        "lesson": lesson.pk,
        "role": who.role,
        "status": lesson.status,
        "classroom": who.classroom_id,
        "ws": f"/ws/lessons/{lesson.pk}/",
        "iceServers": settings.SANKE_ICE_SERVERS,
        "backend": "p2p",
        "key": "host" if who.role == "host" else f"classroom-{who.classroom_id}",
        "maxVideoBitrate": 600_000,
        "statusLabels": {value: str(label) for value, label in LessonStatus.choices},
        "keepalive": reverse("live:keepalive"),
        "text": room_texts(who.role),
    }
    if who.role == "classroom":
        # a terminal follows its day from the room as well, and goes back to its countdown afterwards
        config["terminal"] = {"agenda": reverse("live:terminal_agenda"), "home": reverse("home")}
    if who.role in ("host", "classroom") and choose_backend() == "janus":
        # No room and no credential here: the page asks for its own ticket once the lesson is live.
        config["backend"] = "janus"
        config["media"] = {
            "ticket": reverse("live:media_ticket", args=[lesson.pk]),
            "roster": reverse("live:media_roster", args=[lesson.pk]),
            "csrf": get_token(request),
        }
    return render(
        request,
        TEMPLATES[who.role],
        {
            "lesson": lesson,
            "series": lesson.series,
            "who": who,
            "classrooms": classrooms,
            "live_config": config,
            # observers get no video yet; say plainly what watching would need
            "watch_backend": choose_backend() if who.role == "observer" else None,
        },
    )


def _media_participant(request, pk):
    lesson = access_object(Lesson, request.user, pk, queryset=Lesson.objects.select_related("series"))
    who = participant(request.user, lesson)
    if who is None or who.role not in ("host", "classroom"):
        raise PermissionDenied
    return lesson, who


def _media_unavailable(error: Exception) -> JsonResponse:
    if isinstance(error, MediaRoomClosed):
        message = _("The lesson has not started: video connects when the host starts the lesson.")
        return JsonResponse({"error": message, "closed": True}, status=409)
    message = _("The video server does not answer; the page tries again by itself.")
    return JsonResponse({"error": message}, status=503)


@login_required
@require_POST
def media_ticket(request, pk):
    """A participant's credential for the live lesson's media room: that room, this lesson, this page."""
    lesson, who = _media_participant(request, pk)
    try:
        ticket = do_issue_media_ticket(lesson, who)
    except (MediaRoomClosed, JanusError) as error:
        return _media_unavailable(error)
    response = JsonResponse(ticket)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def media_roster(request, pk):
    """Whose each feed in the lesson's media room is (the platform assigned them); unknown ones are kicked."""
    lesson, _who = _media_participant(request, pk)
    try:
        roster = do_check_media_roster(lesson)
    except (MediaRoomClosed, JanusError) as error:
        return _media_unavailable(error)
    response = JsonResponse({"roster": roster})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def keepalive(request):
    """Touched every few minutes by an open lesson room, so the idle timeout does not end a lesson."""
    return HttpResponse(status=204)


def _local_intervals(intervals: list[list[str | None]]) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """The replay keeps ISO moments in UTC; the page shows them on the school's clock (Asia/Shanghai)."""
    return [
        (
            timezone.localtime(dt.datetime.fromisoformat(joined)),
            timezone.localtime(dt.datetime.fromisoformat(left)) if left else None,
        )
        for joined, left in intervals
        if joined
    ]


@login_required
def lesson_record(request, pk):
    """What happened in a lesson, from its events: times, attendance, students present, quiz results."""
    lesson = access_object(
        Lesson, request.user, pk, queryset=Lesson.objects.select_related("series__alliance")
    )
    if not may_read_record(request.user, lesson):  # the host side and staff who oversee it only
        raise PermissionDenied
    state = replay(LessonEvent.objects.visible_to(request.user).filter(lesson=lesson).order_by("seq"))
    names = {
        c.pk: f"{c.school.name} {c.home_class or c.name}"
        for c in classrooms_by_id(
            set(state.attendance)
            | set(state.present())
            | {r for q in state.quizzes.values() for r in q.tallies}
        )
    }
    attendance = [
        (names.get(room, room), _local_intervals(intervals), state.present().get(room))
        for room, intervals in sorted(state.attendance.items())
    ]
    quizzes = [
        (number, quiz, [(names.get(room, room), counts) for room, counts in quiz.tallies.items()])
        for number, quiz in sorted(state.quizzes.items())
    ]
    return render(
        request,
        "live/record.html",
        {
            "lesson": lesson,
            "state": state,
            "attendance": attendance,
            "quizzes": quizzes,
            "can_join": participant(request.user, lesson) is not None,
        },
    )


def _agenda_item(lesson: Lesson) -> dict:
    return {
        "id": lesson.pk,
        "subject": lesson.series.subject,
        "teacher": lesson.series.host_teacher.name,
        "starts_at": lesson.starts_at.isoformat(),
        "ends_at": lesson.ends_at.isoformat(),
        "status": lesson.status,
        "status_label": str(lesson.get_status_display()),
        "moved": lesson.moved_from is not None,
        "url": reverse("live:room", args=[lesson.pk]),
    }


@login_required
@require_GET
def terminal_agenda_view(request):
    """The terminal's day as JSON, polled by its home screen and its lesson room (a classroom terminal
    only: it is the schedule of the classrooms its account is bound to)."""
    scope = scope_for(request.user)
    if not scope.is_terminal_only:
        raise PermissionDenied
    agenda = terminal_agenda(scope.classroom_ids)
    upcoming = agenda["next"]
    response = JsonResponse(
        {
            "now": agenda["now"].isoformat(),
            "today": [_agenda_item(lesson) for lesson in agenda["today"]],
            "next": _agenda_item(upcoming) if upcoming else None,
        }
    )
    response["Cache-Control"] = "no-store"
    return response

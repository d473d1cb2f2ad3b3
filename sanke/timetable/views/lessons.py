"""Lesson pages: the lessons of a day (课表查询), and one lesson with its move and cancel forms."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanke.core.access import access_object
from sanke.core.scoping import scope_for
from sanke.org.models import ClassGroup, Classroom, Person
from sanke.timetable import actions, selectors
from sanke.timetable.access import (
    access_lesson,
    can_change_lesson,
    is_host_teacher,
    require_staff,
    visible_pks,
)
from sanke.timetable.choices import LessonStatus
from sanke.timetable.forms.lessons import CancelLessonForm, DayFilterForm, MoveLessonForm, MoveRequestForm
from sanke.timetable.models import Lesson, LessonMoveRequest

LESSONS_PER_PAGE = 50


# --- the lessons of a day (课表查询) ----------------------------------------------------------------------
@login_required
@require_GET
def day_lessons(request):
    require_staff(request.user)
    form = DayFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    date = filters.get("date") or timezone.localdate()
    lessons = selectors.lessons_on(
        request.user,
        date,
        school=filters.get("school"),
        subject=filters.get("subject", ""),
        status=filters.get("status", ""),
    )
    page = Paginator(lessons, LESSONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["date"] = date.isoformat()
    day_query = query.copy()
    links = {}
    for name, day in (("previous", date - dt.timedelta(days=1)), ("next", date + dt.timedelta(days=1))):
        day_query["date"] = day.isoformat()
        links[name] = day_query.urlencode()
    day_query["date"] = timezone.localdate().isoformat()
    links["today"] = day_query.urlencode()
    counts = {
        "total": page.paginator.count,
        "cancelled": lessons.filter(status=LessonStatus.CANCELLED).count(),
        "moved": lessons.filter(moved_from__isnull=False).count(),
    }
    return render(
        request,
        "timetable/day_lessons.html",
        {
            "form": form,
            "date": date,
            "is_today": date == timezone.localdate(),
            "page_obj": page,
            "object_list": page.object_list,
            "query": query.urlencode(),
            "day_links": links,
            "counts": counts,
        },
    )


# --- one lesson: detail, move, cancel -------------------------------------------------------------------
def _lesson_page(
    request, lesson: Lesson, *, move_form=None, cancel_form=None, request_form=None, status: int = 200
):
    user = request.user
    series = lesson.series
    ends = selectors.receiving_ends(lesson)
    can_change = can_change_lesson(user, lesson)
    scheduled = lesson.status == LessonStatus.SCHEDULED
    # scope: the lesson itself was fetched through access_lesson; its requests follow it
    move_requests = list(
        LessonMoveRequest.objects.visible_to(user)
        .filter(lesson=lesson)
        .select_related("host_period", "requested_by", "decided_by")[:10]
    )
    return render(
        request,
        "timetable/lesson_detail.html",
        {
            "lesson": lesson,
            "series": series,
            "ends": ends,
            "can_change": can_change and scheduled,
            "move_form": move_form or MoveLessonForm(lesson=lesson),
            "may_request_move": scheduled and not can_change and is_host_teacher(user, lesson),
            "request_form": request_form or MoveRequestForm(lesson=lesson),
            "move_requests": move_requests,
            "may_decide": can_change and scheduled,
            "cancel_form": cancel_form or CancelLessonForm(),
            "visible_classes": visible_pks(ClassGroup, user, [end.class_group.pk for end in ends]),
            "teacher_visible": bool(visible_pks(Person, user, [series.host_teacher_id])),
            "classroom_visible": bool(visible_pks(Classroom, user, [series.host_classroom_id])),
            "alliance_visible": scope_for(user).is_staff_role,
        },
        status=status,
    )


@login_required
@require_GET
def lesson_detail(request, pk):
    return _lesson_page(request, access_lesson(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def lesson_move(request, pk):
    lesson = access_lesson(request.user, pk, for_change=True)
    if request.method != "POST":
        return _lesson_page(request, lesson)
    form = MoveLessonForm(request.POST, lesson=lesson)
    if form.is_valid():
        try:
            actions.do_move_lesson(
                lesson, form.cleaned_data["date"], **form.target(), acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The lesson was moved; the schools involved have been notified."))
            return redirect("timetable:lesson", pk=lesson.pk)
    lesson = access_lesson(request.user, pk, for_change=True)  # as it is in the database: nothing changed
    return _lesson_page(request, lesson, move_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_cancel(request, pk):
    lesson = access_lesson(request.user, pk, for_change=True)
    if request.method != "POST":
        return _lesson_page(request, lesson)
    form = CancelLessonForm(request.POST)
    if form.is_valid():
        try:
            actions.do_cancel_lesson(lesson, form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The lesson was cancelled; the schools involved have been notified."))
            return redirect("timetable:lesson", pk=lesson.pk)
    lesson = access_lesson(request.user, pk, for_change=True)
    return _lesson_page(request, lesson, cancel_form=form)


@login_required
@require_POST
def lesson_move_request(request, pk):
    """The host teacher asks to move their own lesson; the host school confirms or declines."""
    lesson = access_lesson(request.user, pk)
    if not is_host_teacher(request.user, lesson):
        raise PermissionDenied
    form = MoveRequestForm(request.POST, lesson=lesson)
    if form.is_valid():
        try:
            actions.do_request_lesson_move(
                lesson,
                form.cleaned_data["date"],
                **form.target(),
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your request was sent; the host school will confirm it."))
            return redirect("timetable:lesson", pk=lesson.pk)
    return _lesson_page(request, access_lesson(request.user, pk), request_form=form)


@login_required
@require_POST
def move_request_decide(request, pk):
    """Whoever may move the lesson confirms the request (the lesson moves) or declines it."""
    move_request = access_object(
        LessonMoveRequest, request.user, pk, queryset=LessonMoveRequest.objects.select_related("lesson")
    )
    lesson = access_lesson(request.user, move_request.lesson_id, for_change=True)
    confirm = request.POST.get("decision") == "confirm"
    try:
        actions.do_decide_lesson_move(move_request, confirm=confirm, acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The lesson was moved; the schools involved have been notified.")
            if confirm
            else _("The request was declined."),
        )
    return redirect("timetable:lesson", pk=lesson.pk)

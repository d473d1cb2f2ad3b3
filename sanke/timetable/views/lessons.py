"""Timetable pages: week grids (school, class, teacher, classroom, alliance), the lessons of a day
(课表查询), one lesson with its move and cancel forms, and the iCal feeds.

Views are thin: parse → check access → call an action → render. Read pages need a staff role (a teacher
may also open their own teacher page); objects are fetched through ``access_object``. A lesson may be
moved or cancelled by whoever manages its host school and by the alliance's coordinator.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sanke.alliances.models import Alliance
from sanke.core.access import access_object, require
from sanke.core.scoping import scope_for
from sanke.org.choices import PersonKind
from sanke.org.models import ClassGroup, Classroom, Person, School
from sanke.timetable import actions, ical, selectors
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson, Period

LESSONS_PER_PAGE = 50


# --- access -------------------------------------------------------------------------------------------
def _staff(user) -> None:
    require(scope_for(user).is_staff_role)


def can_change_lesson(user, lesson: Lesson) -> bool:
    """Whoever manages the host school, and the alliance's coordinator, may move or cancel a lesson."""
    series = lesson.series
    coordinator_id = series.alliance.coordinator_id
    return scope_for(user).can_manage_school(series.host_classroom.school) or (
        coordinator_id is not None and coordinator_id == user.pk
    )


def _teacher(user, pk) -> Person:
    """A teacher's page: staff of their scope, or the teacher themself."""
    queryset = Person.objects.filter(kind=PersonKind.TEACHER).select_related("school")
    person = access_object(Person, user, pk, queryset=queryset)
    require(scope_for(user).is_staff_role or (person.user_id is not None and person.user_id == user.pk))
    return person


def _classroom(user, pk) -> Classroom:
    _staff(user)
    queryset = Classroom.objects.select_related("school", "home_class__grade")
    return access_object(Classroom, user, pk, queryset=queryset)


def _lesson(user, pk, *, for_change: bool = False) -> Lesson:
    lesson = access_object(Lesson, user, pk, queryset=selectors.lesson_queryset())
    if for_change:
        if not can_change_lesson(user, lesson):
            raise PermissionDenied
    else:
        require(scope_for(user).is_staff_role or can_change_lesson(user, lesson))
    return lesson


def _visible_pks(model, user, pks) -> set[int]:
    """Which of ``pks`` the user may open (so a page links only to pages that will not refuse)."""
    return set(model.objects.visible_to(user).filter(pk__in=list(pks)).values_list("pk", flat=True))


def _feed_links(request, kind: str, pk: int) -> dict:
    url = request.build_absolute_uri(
        reverse("timetable:ical", kwargs={"token": ical.make_token(kind, pk, request.user)})
    )
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


# --- week grids ---------------------------------------------------------------------------------------
@login_required
@require_GET
def school_week(request, pk):
    _staff(request.user)
    school = access_object(School, request.user, pk, queryset=School.objects.select_related("region"))
    class_groups = school.class_groups.select_related("grade").order_by("grade__number", "name")
    lessons = selectors.school_lessons(school).filter(pk__in=Lesson.objects.visible_to(request.user))
    return render(
        request,
        "timetable/school_week.html",
        {
            "school": school,
            "grid": selectors.school_week(school, request.user),
            "class_groups": class_groups,
            "lessons": selectors.upcoming_lessons(lessons),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def class_week(request, pk):
    _staff(request.user)
    queryset = ClassGroup.objects.select_related("school", "grade", "head_teacher")
    class_group = access_object(ClassGroup, request.user, pk, queryset=queryset)
    return render(
        request,
        "timetable/class_week.html",
        {
            "class_group": class_group,
            "grid": selectors.class_week(class_group),
            "lessons": selectors.upcoming_lessons(selectors.class_lessons(class_group)),
        },
    )


@login_required
@require_GET
def teacher_week(request, pk):
    person = _teacher(request.user, pk)
    return render(
        request,
        "timetable/teacher_week.html",
        {
            "person": person,
            "grid": selectors.teacher_week(person),
            "lessons": selectors.upcoming_lessons(selectors.teacher_lessons(person)),
            **_feed_links(request, ical.TEACHER, person.pk),
        },
    )


@login_required
@require_GET
def classroom_week(request, pk):
    classroom = _classroom(request.user, pk)
    return render(
        request,
        "timetable/classroom_week.html",
        {
            "classroom": classroom,
            "grid": selectors.classroom_week(classroom),
            "lessons": selectors.upcoming_lessons(selectors.classroom_lessons(classroom)),
            **_feed_links(request, ical.CLASSROOM, classroom.pk),
        },
    )


@login_required
@require_GET
def alliance_week(request, pk):
    _staff(request.user)
    queryset = Alliance.objects.select_related("host_school", "region", "coordinator")
    alliance = access_object(Alliance, request.user, pk, queryset=queryset)
    return render(
        request,
        "timetable/alliance_week.html",
        {"alliance": alliance, "grids": selectors.alliance_week(alliance)},
    )


# --- the lessons of a day (课表查询) ----------------------------------------------------------------------
class DayFilterForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=School.objects.none(), required=False
    )
    subject = forms.ChoiceField(label=gettext_lazy("Subject"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *LessonStatus.choices],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # only schools that take part in an alliance the user can see: never all rows of the table
        self.fields["school"].queryset = (
            School.objects.visible_to(user)
            .filter(Q(hosted_alliances__isnull=False) | Q(alliance_memberships__isnull=False))
            .distinct()
            .order_by("region__code", "code")
        )
        self.fields["school"].empty_label = _("All schools")
        self.fields["subject"].choices = [
            ("", _("All")),
            *((s, s) for s in selectors.subjects_visible_to(user)),
        ]


@login_required
@require_GET
def day_lessons(request):
    _staff(request.user)
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
class MoveLessonForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("New date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    host_period = forms.ModelChoiceField(
        label=gettext_lazy("Host school period"), queryset=Period.objects.none()
    )

    def __init__(self, *args, lesson: Lesson, **kwargs):
        kwargs.setdefault("initial", {"date": lesson.date, "host_period": lesson.host_period_id})
        super().__init__(*args, **kwargs)
        self.fields["host_period"].queryset = Period.objects.filter(
            school_id=lesson.series.host_classroom.school_id
        ).order_by("number")
        self.fields["host_period"].label_from_instance = period_label


def period_label(period: Period) -> str:
    return f"{_('Period %(number)s') % {'number': period.number}} {period.start:%H:%M}–{period.end:%H:%M}"


class CancelLessonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. school sports day")}),
    )


def _lesson_page(request, lesson: Lesson, *, move_form=None, cancel_form=None, status: int = 200):
    user = request.user
    series = lesson.series
    ends = selectors.receiving_ends(lesson)
    can_change = can_change_lesson(user, lesson)
    scheduled = lesson.status == LessonStatus.SCHEDULED
    return render(
        request,
        "timetable/lesson_detail.html",
        {
            "lesson": lesson,
            "series": series,
            "ends": ends,
            "can_change": can_change and scheduled,
            "move_form": move_form or MoveLessonForm(lesson=lesson),
            "cancel_form": cancel_form or CancelLessonForm(),
            "visible_classes": _visible_pks(ClassGroup, user, [end.class_group.pk for end in ends]),
            "teacher_visible": bool(_visible_pks(Person, user, [series.host_teacher_id])),
            "classroom_visible": bool(_visible_pks(Classroom, user, [series.host_classroom_id])),
            "alliance_visible": scope_for(user).is_staff_role,
        },
        status=status,
    )


@login_required
@require_GET
def lesson_detail(request, pk):
    return _lesson_page(request, _lesson(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def lesson_move(request, pk):
    lesson = _lesson(request.user, pk, for_change=True)
    if request.method != "POST":
        return _lesson_page(request, lesson)
    form = MoveLessonForm(request.POST, lesson=lesson)
    if form.is_valid():
        try:
            actions.do_move_lesson(
                lesson, form.cleaned_data["date"], form.cleaned_data["host_period"], acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The lesson was moved; the schools involved have been notified."))
            return redirect("timetable:lesson", pk=lesson.pk)
    lesson = _lesson(request.user, pk, for_change=True)  # as it is in the database: nothing changed
    return _lesson_page(request, lesson, move_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_cancel(request, pk):
    lesson = _lesson(request.user, pk, for_change=True)
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
    lesson = _lesson(request.user, pk, for_change=True)
    return _lesson_page(request, lesson, cancel_form=form)


# --- iCal feeds -----------------------------------------------------------------------------------------
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
            person = _teacher(subscriber, data["id"])
            name, lessons = f"{person.name} · {_('Sync lessons')}", selectors.teacher_lessons(person)
        else:
            classroom = _classroom(subscriber, data["id"])
            name, lessons = str(classroom), selectors.classroom_lessons(classroom)
    except PermissionDenied:
        raise Http404 from None  # the subscriber lost access since: the feed is gone
    response = HttpResponse(ical.feed_calendar(name, lessons), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{data["k"]}-{data["id"]}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response

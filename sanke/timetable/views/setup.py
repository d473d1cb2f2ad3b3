"""Timetable set-up pages of a school admin: terms and their calendar, the period grid (节次), and the
week timetable of each class. parse → check access → call an action → render.

Staff of a school may look at its terms and period grid; only those who manage the school may change
them (403 otherwise); a school out of the user's scope is not found (404).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanke.core.access import access_object, require
from sanke.core.audit import form_changes
from sanke.core.pages import form_page
from sanke.core.params import query_int
from sanke.core.scoping import scope_for
from sanke.org.models import ClassGroup, School
from sanke.timetable.actions import do_delete_entry, do_save_entry, do_save_term, do_set_period_grid
from sanke.timetable.choices import SCHOOL_WEEK, DayKind, Weekday
from sanke.timetable.forms.setup import (
    EntryForm,
    PeriodFormSet,
    TermForm,
    holiday_lines,
    makeup_lines,
    period_initial,
)
from sanke.timetable.models import Period, Term, TimetableEntry

COMMON_SUBJECTS = (
    "语文",
    "数学",
    "英语",
    "道德与法治",
    "科学",
    "音乐",
    "美术",
    "体育",
    "信息技术",
    "综合实践",
)


def _staff_of_school(scope, school) -> bool:
    return scope.can_see_staff_data(school)


def _manages_class(scope, class_group) -> bool:
    return scope.can_manage_school(class_group.school)


def _manages_entry(scope, entry) -> bool:
    return scope.can_manage_school(entry.class_group.school)


def _school(request, school_pk) -> tuple[School, bool]:
    """The school if the user is on its staff (else 403/404), and whether they may change its set-up."""
    school = access_object(
        School,
        request.user,
        school_pk,
        allowed=_staff_of_school,
        queryset=School.objects.select_related("region"),
    )
    can_manage = scope_for(request.user).can_manage_school(school)
    if request.method == "POST":
        require(can_manage)
    return school, can_manage


# --- terms --------------------------------------------------------------------------------------------
def _term_summary(term: Term) -> dict:
    days = list(term.days.all())
    by_date = {day.date: day for day in days}
    # Counted per week, not per day: a term stored before its dates were bounded (ending 9999-12-31) must
    # still show, and stepping day by day would run past the last date Python knows.
    weeks, rest = divmod((term.end - term.start).days + 1, 7)
    teaching = weeks * len(SCHOOL_WEEK)
    first_of_rest = term.start + dt.timedelta(days=weeks * 7)
    teaching += sum(
        (first_of_rest.isoweekday() + offset - 1) % 7 + 1 in SCHOOL_WEEK for offset in range(rest)
    )
    for date, day in by_date.items():
        if term.start <= date <= term.end:
            teaching += (day.kind == DayKind.MAKEUP) - (date.isoweekday() in SCHOOL_WEEK)
    return {
        "term": term,
        "holidays": [line.partition(" ")[::2] for line in holiday_lines(days)],  # (dates, note)
        "makeup_days": [line.partition(" ")[::2] for line in makeup_lines(days)],  # (date, "weekday note")
        "teaching_days": teaching,
    }


def _term_saver(request):
    return lambda form: do_save_term(
        form.instance, form.days, acting_user=request.user, changes=form_changes(form)
    )


@login_required
def term_list(request, school_pk):
    school, can_manage = _school(request, school_pk)
    terms = Term.objects.visible_to(request.user).filter(school=school).prefetch_related("days")
    context = {
        "school": school,
        "terms": [_term_summary(term) for term in terms],
        "can_manage": can_manage,
        "section": "terms",
    }
    title = _("Terms of %(school)s") % {"school": school.name}
    if not can_manage:
        return render(request, "timetable/setup/term_list.html", {**context, "title": title, "form": None})
    form = TermForm(request.POST or None, instance=Term(school=school), school=school)
    return form_page(
        request,
        form,
        save=_term_saver(request),
        success_url=reverse("timetable:term_list", args=[school.pk]),
        title=title,
        success_message=_("Term saved."),
        template="timetable/setup/term_list.html",
        **context,
    )


@login_required
def term_edit(request, pk):
    term = access_object(
        Term,
        request.user,
        pk,
        allowed=lambda scope, t: scope.can_manage_school(t.school),
        queryset=Term.objects.select_related("school__region"),
    )
    form = TermForm(request.POST or None, instance=term, school=term.school)
    back = reverse("timetable:term_list", args=[term.school_id])
    return form_page(
        request,
        form,
        save=_term_saver(request),
        success_url=back,
        title=_("Edit %(name)s") % {"name": term.name},
        success_message=_("Term saved."),
        template="timetable/setup/term_form.html",
        school=term.school,
        back_url=back,
        section="terms",
    )


# --- the period grid ----------------------------------------------------------------------------------
@login_required
def period_grid(request, school_pk):
    school, can_manage = _school(request, school_pk)
    formset = None
    action_errors: list[str] = []
    if can_manage:
        formset = PeriodFormSet(request.POST or None, initial=period_initial(school), prefix="periods")
        if request.method == "POST" and formset.is_valid():
            try:
                do_set_period_grid(school, formset.grid(), acting_user=request.user)
            except ValidationError as exc:
                action_errors = exc.messages
            else:
                messages.success(request, _("Period grid saved."))
                return redirect("timetable:period_grid", school_pk=school.pk)
    return render(
        request,
        "timetable/setup/period_grid.html",
        {
            "school": school,
            "title": _("Periods of %(school)s") % {"school": school.name},
            "periods": Period.objects.visible_to(request.user).filter(school=school),
            "formset": formset,
            "action_errors": action_errors,
            "can_manage": can_manage,
            "section": "periods",
        },
    )


# --- a class's week -----------------------------------------------------------------------------------
def _access_class(request, pk) -> ClassGroup:
    return access_object(
        ClassGroup,
        request.user,
        pk,
        allowed=_manages_class,
        queryset=ClassGroup.objects.select_related("school__region", "grade"),
    )


def _access_entry(request, pk) -> TimetableEntry:
    return access_object(
        TimetableEntry,
        request.user,
        pk,
        allowed=_manages_entry,
        queryset=TimetableEntry.objects.select_related(
            "class_group__school__region", "class_group__grade", "period", "teacher", "classroom"
        ),
    )


@login_required
def class_edit(request, pk):
    class_group = _access_class(request, pk)
    periods = list(Period.objects.visible_to(request.user).filter(school=class_group.school))
    entries = (
        TimetableEntry.objects.visible_to(request.user)
        .filter(class_group=class_group)
        .select_related("period", "teacher", "classroom")
    )
    by_cell = {(entry.weekday, entry.period_id): entry for entry in entries}
    weekdays = sorted(set(SCHOOL_WEEK) | {weekday for weekday, _period in by_cell})
    rows = [
        {"period": period, "cells": [{"weekday": d, "entry": by_cell.get((d, period.pk))} for d in weekdays]}
        for period in periods
    ]
    return render(
        request,
        "timetable/setup/class_edit.html",
        {
            "class_group": class_group,
            "school": class_group.school,
            "weekdays": [(d, Weekday(d).label) for d in weekdays],
            "rows": rows,
            "entry_count": len(by_cell),
            "title": _("Timetable of %(class)s") % {"class": class_group},
        },
    )


def _subjects(school) -> list[str]:
    # scope: subject names used at a school the caller fetched through the kernel
    used = TimetableEntry.objects.filter(class_group__school=school).values_list("subject", flat=True)
    return sorted(set(COMMON_SUBJECTS) | set(used))


def _entry_page(request, form, class_group, title):
    return form_page(
        request,
        form,
        save=lambda f: do_save_entry(f.instance, acting_user=request.user, changes=form_changes(f)),
        success_url=reverse("timetable:class_edit", args=[class_group.pk]),
        title=title,
        success_message=_("Timetable saved."),
        template="timetable/setup/entry_form.html",
        class_group=class_group,
        subjects=_subjects(class_group.school),
        back_url=reverse("timetable:class_edit", args=[class_group.pk]),
    )


@login_required
def entry_create(request, class_pk):
    class_group = _access_class(request, class_pk)
    weekday, period_id = query_int(request, "weekday", minimum=1, maximum=7), query_int(request, "period")
    if request.method == "GET" and weekday and period_id:
        existing = (
            TimetableEntry.objects.visible_to(request.user)
            .filter(class_group=class_group, weekday=weekday, period_id=period_id)
            .first()
        )
        if existing is not None:  # the cell is taken meanwhile: edit it instead of failing on save
            return redirect("timetable:entry_edit", pk=existing.pk)
    form = EntryForm(
        request.POST or None,
        instance=TimetableEntry(class_group=class_group),
        initial={"weekday": weekday, "period": period_id},
        class_group=class_group,
    )
    return _entry_page(
        request, form, class_group, _("Set a timetable cell of %(class)s") % {"class": class_group}
    )


@login_required
def entry_edit(request, pk):
    entry = _access_entry(request, pk)
    form = EntryForm(request.POST or None, instance=entry, class_group=entry.class_group)
    return _entry_page(
        request,
        form,
        entry.class_group,
        _("Edit a timetable cell of %(class)s") % {"class": entry.class_group},
    )


@login_required
def entry_delete(request, pk):
    """GET asks for confirmation; POST clears the cell."""
    entry = _access_entry(request, pk)
    class_group = entry.class_group
    if request.method == "POST":
        do_delete_entry(entry, acting_user=request.user)
        messages.success(request, _("Timetable cell cleared."))
        return redirect("timetable:class_edit", pk=class_group.pk)
    return render(
        request,
        "timetable/setup/entry_confirm_delete.html",
        {"entry": entry, "class_group": class_group, "title": _("Clear a timetable cell")},
    )

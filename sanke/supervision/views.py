"""Indicator pages: a region's and a school's dashboard, a class, an alliance, a teacher's record, and the
lessons behind every figure. Out of scope is 404 (the kernel); in scope but not a supervisor is 403."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanke.alliances.models import Alliance
from sanke.core.access import access_object, require
from sanke.core.jobs import job_status_response
from sanke.core.pages import page_of
from sanke.core.scoping import scope_for
from sanke.org.models import ClassGroup, Person, Region, School
from sanke.org.selectors import person_of
from sanke.policy.selectors import effective_policy
from sanke.supervision import access
from sanke.supervision.choices import Dimension, Outcome
from sanke.supervision.exports import warnings_workbook
from sanke.supervision.models import ReportJob
from sanke.supervision.overview import overview
from sanke.supervision.period import Period, parse_day, period_for
from sanke.supervision.places import widest_place
from sanke.supervision.report_jobs import do_submit_report_job, report_dir
from sanke.supervision.selectors import (
    by_alliance,
    by_class,
    by_school,
    by_subregion,
    figures_of,
    lessons_behind,
    placement_of_region,
    placement_of_school,
    teacher_quota,
)
from sanke.supervision.warnings import early_warnings

BREAKDOWNS = ("region", "school", "alliance", "teacher")
RURAL_SERVICE_YEARS = 3  # Wenzhou: every full three years of sync teaching count as one year of rural service


def _period(request) -> Period:
    return period_for(request, Alliance.objects.visible_to(request.user))


@login_required
def dashboard_home(request):
    """The widest dashboard the user may open: their region, their school, or their own record."""
    place = widest_place(request.user, scope_for(request.user))
    if place is not None:
        return redirect("dashboard:region" if isinstance(place, Region) else "dashboard:school", place.pk)
    person = person_of(request.user)
    if person is not None and person.kind == "teacher":
        return redirect("dashboard:teacher", person.pk)
    raise PermissionDenied


@login_required
def region_dashboard(request, region_pk):
    region = access_object(Region, request.user, region_pk, allowed=access.may_supervise_region)
    period = _period(request)
    placement = placement_of_region(region)
    default = "school" if region.level == "county" else "region"
    by = request.GET.get("by", default)
    by = by if by in BREAKDOWNS else default
    if by == "region":
        rows = by_subregion(region, *period.term)
    elif by == "alliance":
        rows = by_alliance(placement, *period.term)
    elif by == "teacher":
        rows = []  # the teachers' quotas of the overview
    else:
        rows = by_school(placement, *period.term)
    view = overview(request.user, placement, period, region)
    return render(
        request,
        "supervision/region.html",
        {
            "region": region,
            "period": period,
            "view": view,
            "by": by,
            "rows": rows,
            "breakdowns": [b for b in BREAKDOWNS if b != "region" or region.level != "county"],
            "ancestors": region.ancestors(),
            "lessons_url_name": "dashboard:region_lessons",
            "place_pk": region.pk,
            "warnings": early_warnings(placement, period, view.target),
            "warnings_url": reverse("dashboard:region_warnings", args=[region.pk]),
            "report_url": reverse("dashboard:region_report", args=[region.pk])
            if scope_for(request.user).can_manage_region(region)
            else "",
        },
    )


@login_required
def school_dashboard(request, school_pk):
    school = access_object(
        School,
        request.user,
        school_pk,
        allowed=access.may_supervise_school,
        queryset=School.objects.select_related("region"),
    )
    period = _period(request)
    placement = placement_of_school(school)
    view = overview(request.user, placement, period, school.region)
    return render(
        request,
        "supervision/school.html",
        {
            "school": school,
            "period": period,
            "view": view,
            "warnings": early_warnings(placement, period, view.target),
            "warnings_url": reverse("dashboard:school_warnings", args=[school.pk]),
            "report_url": reverse("dashboard:school_report", args=[school.pk])
            if scope_for(request.user).can_manage_school(school)
            else "",
            "classes": by_class(placement, *period.term),
            "lessons_url_name": "dashboard:school_lessons",
            "place_pk": school.pk,
            "may_see_region": access.may_supervise_region(scope_for(request.user), school.region),
        },
    )


def _lessons_page(request, placement, template_context: dict):
    period = _period(request)
    start = parse_day(request.GET.get("from")) or period.term_start
    end = parse_day(request.GET.get("to")) or period.term_end
    outcome = request.GET.get("outcome", "")
    facts = lessons_behind(placement, start, end, outcome=outcome)
    only = request.GET.get("only", "")
    if only == "unreached":
        facts = facts.filter(outcome=Outcome.HELD, reached=False)
    elif only == "watched":
        facts = facts.filter(outcome=Outcome.HELD, interacted=False)
    elif only == "moved":
        facts = facts.filter(moved=True)
    return render(
        request,
        "supervision/lessons.html",
        {
            **template_context,
            "period": period,
            "page_obj": page_of(request, facts),
            "start": start,
            "end": end,
            "outcome": outcome,
            "narrow": only,
            "outcomes": Outcome.choices,
            "query": "&".join(
                f"{k}={v}"
                for k, v in (
                    ("from", start.isoformat()),
                    ("to", end.isoformat()),
                    ("outcome", outcome),
                    ("only", only),
                )
                if v
            ),
        },
    )


@login_required
def region_lessons(request, region_pk):
    region = access_object(Region, request.user, region_pk, allowed=access.may_supervise_region)
    return _lessons_page(
        request,
        placement_of_region(region),
        {"title": region.name, "back": ("dashboard:region", region.pk)},
    )


@login_required
def school_lessons(request, school_pk):
    school = access_object(School, request.user, school_pk, allowed=access.may_supervise_school)
    return _lessons_page(
        request,
        placement_of_school(school),
        {"title": school.name, "back": ("dashboard:school", school.pk)},
    )


@login_required
def class_dashboard(request, class_pk):
    class_group = access_object(
        ClassGroup,
        request.user,
        class_pk,
        allowed=lambda scope, c: access.may_supervise_school(scope, c.school),
        queryset=ClassGroup.objects.select_related("school__region", "grade"),
    )
    period = _period(request)
    placement = placement_of_school(class_group.school)
    return render(
        request,
        "supervision/class.html",
        {
            "class_group": class_group,
            "period": period,
            "week": figures_of(Dimension.CLASS, class_group.pk, *period.week_range),
            "term": figures_of(Dimension.CLASS, class_group.pk, *period.term),
            "facts": lessons_behind(placement, *period.term, class_group_id=class_group.pk)[:50],
        },
    )


@login_required
def alliance_dashboard(request, alliance_pk):
    """An alliance's host and receiving schools evaluated as one unit (捆绑考评)."""
    alliance = access_object(
        Alliance,
        request.user,
        alliance_pk,
        allowed=lambda scope, a: access.may_supervise_school(scope, a.host_school),
        queryset=Alliance.objects.select_related("host_school__region", "region"),
    )
    period = _period(request)
    placement = placement_of_school(alliance.host_school)
    facts = lessons_behind(placement, *period.term, alliance_id=alliance.pk)
    per_school = (
        facts.order_by()
        .values("receiving_school__name")
        .annotate(
            receptions=Count("pk", filter=Q(outcome=Outcome.HELD)),
            reached=Count("pk", filter=Q(outcome=Outcome.HELD, reached=True)),
            interacted=Count("pk", filter=Q(outcome=Outcome.HELD, interacted=True)),
            lessons=Count("lesson_id", distinct=True),
            held=Count("lesson_id", distinct=True, filter=Q(outcome=Outcome.HELD)),
        )
        .order_by("receiving_school__name")
    )
    return render(
        request,
        "supervision/alliance.html",
        {
            "alliance": alliance,
            "period": period,
            "term": figures_of(Dimension.ALLIANCE, alliance.pk, *period.term),
            "week": figures_of(Dimension.ALLIANCE, alliance.pk, *period.week_range),
            "per_school": per_school,
            "facts": facts[:50],
        },
    )


@login_required
def teacher_record(request, person_pk):
    """A teacher's record of online lessons this term against their quota, printable (print CSS)."""
    person = access_object(
        Person, request.user, person_pk, queryset=Person.objects.select_related("school__region")
    )
    require(access.may_read_record(scope_for(request.user), person, person_of(request.user)))
    period = _period(request)
    quota = teacher_quota(person, *period.term)
    first = (
        lessons_behind(
            placement_of_school(person.school), dt.date.min, timezone.localdate(), outcome=Outcome.HELD
        )
        .filter(host_teacher_id=person.pk)
        .aggregate(first=Min("day"))["first"]
        if person.school_id
        else None
    )
    years = (timezone.localdate() - first).days // 365 if first else 0
    facts = (
        lessons_behind(placement_of_school(person.school), *period.term, host_teacher_id=person.pk)[:100]
        if person.school_id
        else []
    )
    return render(
        request,
        "supervision/teacher.html",
        {
            "person": person,
            "period": period,
            "quota": quota,
            "first_lesson": first,
            "years": years,
            "rural_years": years // RURAL_SERVICE_YEARS,
            "rural_every": RURAL_SERVICE_YEARS,
            "facts": facts,
        },
    )


def _warnings_export(request, placement, place: str, region, filename: str):
    """The early warnings of a placement as an xlsx download."""
    period = _period(request)
    target = effective_policy(region).weekly_sync_lessons_per_end
    content = warnings_workbook(place, period, early_warnings(placement, period, target))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{filename}-{period.week.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def region_warnings(request, region_pk):
    region = access_object(Region, request.user, region_pk, allowed=access.may_supervise_region)
    return _warnings_export(
        request, placement_of_region(region), region.name, region, f"warnings-{region.code}"
    )


@login_required
def school_warnings(request, school_pk):
    school = access_object(
        School,
        request.user,
        school_pk,
        allowed=access.may_supervise_school,
        queryset=School.objects.select_related("region"),
    )
    return _warnings_export(
        request, placement_of_school(school), school.name, school.region, f"warnings-{school.code}"
    )


# --- term reports (background jobs) ---------------------------------------------------------------------
@require_POST
@login_required
def region_report(request, region_pk):
    """Queue the region's term report (its bureau admins) and move to the job's page."""
    region = access_object(Region, request.user, region_pk, allowed=lambda s, r: s.can_manage_region(r))
    job = do_submit_report_job(region=region, date=_period(request).date, acting_user=request.user)
    return redirect("dashboard:report_job", job.pk)


@require_POST
@login_required
def school_report(request, school_pk):
    """Queue the school's term report (its admins and the bureau above) and move to the job's page."""
    school = access_object(
        School,
        request.user,
        school_pk,
        allowed=lambda s, sc: s.can_manage_school(sc),
        queryset=School.objects.select_related("region"),
    )
    job = do_submit_report_job(school=school, date=_period(request).date, acting_user=request.user)
    return redirect("dashboard:report_job", job.pk)


@login_required
def report_job(request, pk):
    job = access_object(ReportJob, request.user, pk)
    return render(request, "supervision/report_job.html", {"job": job})


@login_required
def report_job_status(request, pk):
    return job_status_response(access_object(ReportJob, request.user, pk))


def _report_file(job: ReportJob, name: str) -> FileResponse:
    path = report_dir(job) / name if name else None
    if path is None or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@login_required
def report_xlsx(request, pk):
    """The report's spreadsheet, to whoever may see the job."""
    job = access_object(ReportJob, request.user, pk)
    return _report_file(job, job.xlsx_name)


@login_required
def report_pdf(request, pk):
    """The report's PDF, to whoever may see the job."""
    job = access_object(ReportJob, request.user, pk)
    return _report_file(job, job.pdf_name)

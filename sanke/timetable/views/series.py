"""The series and scheduling pages of an alliance (its series, the co-scheduler, acceptance), and the
co-scheduling of a whole region; scheduling runs as a background job with a progress page. They live
under /alliances/ (URL names ``alliances:…``, composed in the root URLconf) but are timetable's: series,
slots, lessons and scheduling jobs are timetable's tables."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanke.alliances.access import can_manage_alliance
from sanke.alliances.models import Alliance
from sanke.core.access import access_object
from sanke.core.audit import form_changes
from sanke.core.jobs import job_status_response
from sanke.core.models import JobStatus
from sanke.core.pages import form_page
from sanke.core.scoping import scope_for
from sanke.org.models import Region
from sanke.policy.selectors import effective_policy
from sanke.timetable.access import access_managed_alliance, require_staff
from sanke.timetable.actions import (
    ScheduleJobBusy,
    do_accept_proposals,
    do_save_series,
    do_submit_schedule_job,
)
from sanke.timetable.actions.schedule_jobs import active_job_for, region_series
from sanke.timetable.choices import SeriesStatus
from sanke.timetable.forms.series import ScheduleForm, SeriesForm
from sanke.timetable.models import ScheduleJob, SyncSeries
from sanke.timetable.scheduling.explanations import explanation_lines


def _series_rows(alliance):
    rows = []
    for series in alliance.series.select_related("host_teacher", "host_classroom").prefetch_related(
        "receiving_classes__school", "receiving_classes__grade", "slots__host_period"
    ):
        rows.append(
            {
                "series": series,
                "slots": list(series.slots.all()),
                "explanation": explanation_lines(series.explanation, minutes=series.minutes),
            }
        )
    return rows


def _ends_vs_policy(alliance, rows):
    """Weekly sync lessons planned for each end (host teacher, receiving class) against the policy target.

    A series the co-scheduler could not place gives its ends no lesson, so it does not count: otherwise an
    end reads green (6 / 6) while nothing will be taught.
    """
    target = effective_policy(alliance.host_school.region).weekly_sync_lessons_per_end
    ends: Counter[str] = Counter()
    for row in rows:
        series = row["series"]
        if series.status == SeriesStatus.UNPLACED:
            continue
        ends[_("%(teacher)s (host)") % {"teacher": series.host_teacher.name}] += series.lessons_per_week
        for class_group in series.receiving_classes.all():
            ends[f"{class_group.school.name} {class_group}"] += series.lessons_per_week
    return target, sorted(ends.items())


@login_required
def alliance_detail(request, pk):
    require_staff(request.user)
    alliance = access_object(
        Alliance, request.user, pk, queryset=Alliance.objects.select_related("host_school__region", "region")
    )
    rows = _series_rows(alliance)
    target, ends = _ends_vs_policy(alliance, rows)
    pending = [r for r in rows if r["series"].status != SeriesStatus.ACCEPTED]
    return render(
        request,
        "timetable/alliance_detail.html",
        {
            "alliance": alliance,
            "rows": rows,
            "members": alliance.receiving_schools(),
            "can_manage": can_manage_alliance(request.user, alliance),
            "can_edit": scope_for(request.user).can_manage_region(alliance.region),
            "schedule_form": ScheduleForm(),
            "has_pending": bool(pending),
            "has_proposals": any(r["series"].status == SeriesStatus.PROPOSED for r in rows),
            "policy_target": target,
            "ends": ends,
            "running_job": _running_job(request.user, alliance),
        },
    )


@login_required
def series_create(request, alliance_pk):
    alliance = access_managed_alliance(request.user, alliance_pk)
    target = effective_policy(alliance.host_school.region).weekly_sync_lessons_per_end
    form = SeriesForm(
        request.POST or None, alliance=alliance, initial={"lessons_per_week": min(target or 2, 2)}
    )
    return form_page(
        request,
        form,
        save=lambda f: do_save_series(
            f.instance, f.cleaned_data["receiving_classes"], acting_user=request.user, changes=form_changes(f)
        ),
        success_url=reverse("alliances:detail", args=[alliance.pk]),
        title=_("New sync-course series in %(alliance)s") % {"alliance": alliance.name},
        success_message=_("Series saved. Press “Schedule” to find times."),
        back_url=reverse("alliances:detail", args=[alliance.pk]),
    )


@login_required
def series_edit(request, pk):
    series = access_object(
        SyncSeries, request.user, pk, allowed=lambda scope, s: can_manage_alliance(request.user, s.alliance)
    )
    form = SeriesForm(request.POST or None, instance=series, alliance=series.alliance)
    return form_page(
        request,
        form,
        save=lambda f: do_save_series(
            f.instance, f.cleaned_data["receiving_classes"], acting_user=request.user, changes=form_changes(f)
        ),
        success_url=reverse("alliances:detail", args=[series.alliance_id]),
        title=_("Edit %(series)s") % {"series": series},
        success_message=_("Series saved."),
        back_url=reverse("alliances:detail", args=[series.alliance_id]),
    )


def _submit(request, target, back):
    """Queue the co-scheduling of ``target`` (an alliance or a region) as a background job and move to its
    page; when one already waits or runs for the same series, move to that one instead."""
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The weights must be whole numbers from 0 to 1000."))
        return redirect(back)
    try:
        job = do_submit_schedule_job(
            target,
            weights=form.weights(),
            allow_moving=form.cleaned_data["allow_moving"],
            acting_user=request.user,
        )
    except ScheduleJobBusy as busy:
        job = busy.job
        messages.info(request, _("These series are being scheduled already; here is how far it has got."))
    return redirect("alliances:schedule_job", pk=job.pk)


@login_required
@require_POST
def alliance_schedule(request, pk):
    alliance = access_managed_alliance(request.user, pk)
    return _submit(request, alliance, reverse("alliances:detail", args=[alliance.pk]))


@login_required
@require_POST
def alliance_accept(request, pk):
    alliance = access_managed_alliance(request.user, pk)
    _accept(request, alliance.series.filter(status=SeriesStatus.PROPOSED))
    return redirect("alliances:detail", pk=alliance.pk)


def _accept(request, series_queryset) -> None:
    """Accept proposals; if one clashes with a slot accepted meanwhile, nothing is accepted and we say why."""
    try:
        created = do_accept_proposals(list(series_queryset), acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Accepted. %(n)d lessons of the term were generated.") % {"n": created})


@login_required
def region_schedule(request, region_pk):
    """Schedule every pending series of a county (or city) together, then accept them all."""
    region = access_object(
        Region, request.user, region_pk, allowed=lambda scope, r: scope.can_manage_region(r)
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action != "accept":
            return _submit(request, region, reverse("alliances:region_schedule", args=[region.pk]))
        _accept(request, region_series(region).filter(status=SeriesStatus.PROPOSED))
        return redirect("alliances:region_schedule", region_pk=region.pk)
    series = (
        region_series(region)
        .select_related("alliance", "host_teacher", "host_classroom")
        .prefetch_related("slots__host_period", "receiving_classes__school", "receiving_classes__grade")
    )
    rows = [
        {
            "series": s,
            "slots": list(s.slots.all()),
            "explanation": explanation_lines(s.explanation, minutes=s.minutes),
        }
        for s in series
    ]
    return render(
        request,
        "timetable/region_schedule.html",
        {
            "region": region,
            "rows": rows,
            "schedule_form": ScheduleForm(),
            "pending": sum(1 for r in rows if r["series"].status != SeriesStatus.ACCEPTED),
            "proposed": sum(1 for r in rows if r["series"].status == SeriesStatus.PROPOSED),
            "running_job": _running_job(request.user, region),
        },
    )


def _running_job(user, target):
    """The job that waits or runs for ``target``'s series, if the user may follow it."""
    job = active_job_for(target)
    if job is None or not ScheduleJob.objects.visible_to(user).filter(pk=job.pk).exists():
        return None
    return job


def _job_rows(job):
    """The series the job considered, as they stand now, with the plain-language reasons of the unplaced."""
    pks = [*job.placed, *job.unplaced]
    series = (
        SyncSeries.objects.filter(pk__in=pks)  # scope: the series of a job the user may see
        .select_related("alliance", "host_teacher", "host_classroom")
        .prefetch_related("slots__host_period", "receiving_classes__school", "receiving_classes__grade")
        .order_by("alliance__name", "subject", "pk")
    )
    return [
        {
            "series": s,
            "slots": list(s.slots.all()),
            "explanation": explanation_lines(s.explanation, minutes=s.minutes),
        }
        for s in series
    ]


@login_required
def schedule_job(request, pk):
    """One co-scheduling job: its progress while it runs (the page polls ``schedule_job_status``), then
    which series were placed and why the others could not be."""
    job = access_object(
        ScheduleJob, request.user, pk, queryset=ScheduleJob.objects.select_related("alliance", "region")
    )
    rows = _job_rows(job) if job.status == JobStatus.DONE else []
    if job.alliance_id:
        back = reverse("alliances:detail", args=[job.alliance_id])
        accept_url = reverse("alliances:accept", args=[job.alliance_id])
    else:
        back = accept_url = reverse("alliances:region_schedule", args=[job.region_id])
    return render(
        request,
        "timetable/schedule_job.html",
        {
            "job": job,
            "target": job.alliance or job.region,
            "rows": rows,
            "back_url": back,
            "accept_url": accept_url,
            "has_proposals": any(r["series"].status == SeriesStatus.PROPOSED for r in rows),
            "summary": _summary(job),
        },
    )


def _summary(job) -> str:
    total = len(job.placed) + len(job.unplaced)
    if job.unplaced:
        return _("Placed %(placed)d of %(total)d series; see why the others could not be placed.") % {
            "placed": len(job.placed),
            "total": total,
        }
    if total:
        return _("All %(total)d series placed. Check the week grid and accept.") % {"total": total}
    return _("No series was waiting for times.")


@login_required
def schedule_job_status(request, pk):
    return job_status_response(access_object(ScheduleJob, request.user, pk))

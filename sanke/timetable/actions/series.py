"""State changes of sync-course series: save, schedule (store the co-scheduler's proposals) and accept
(generate the term's lessons)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanke.core.audit import record_audit
from sanke.notifications.actions import do_notify
from sanke.timetable.actions.setup import _save
from sanke.timetable.calendar import SchoolCalendar, dates_between
from sanke.timetable.choices import LessonStatus, SeriesStatus
from sanke.timetable.events import send_lessons_changed_on_commit
from sanke.timetable.models import Lesson, Period, SeriesSlot, SyncSeries
from sanke.timetable.scheduling.instance import build_instance
from sanke.timetable.scheduling.solver import Result, Weights, solve


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_datetime(date: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(minute // 60, minute % 60), tzinfo=_tz())


def do_save_series(series: SyncSeries, receiving_classes, *, acting_user, changes=None) -> SyncSeries:
    """Create or change a sync-course series; a change sends it back to draft (its slots must be redone)."""
    with transaction.atomic():
        if series.pk:
            series.status = SeriesStatus.DRAFT
            series.slots.filter(accepted=False).delete()
        _save(series, "series", acting_user=acting_user, changes=changes)
        series.receiving_classes.set(receiving_classes)
    return series


def do_schedule_series(
    series_list,
    *,
    weights: Weights,
    allow_moving: bool,
    acting_user,
    time_limit: float = 10.0,
    progress: Callable[[str, int, int], None] | None = None,
    on_write: Callable[[Result], None] | None = None,
) -> Result:
    """Run the co-scheduler on these series together and store its proposals (not yet accepted).

    Series that cannot be placed are marked so, with the explanation the page shows. Every proposal is
    written in one transaction: all of them or, if anything fails, none. ``progress(phase, done, total)``
    hears of each series read ("building"), of the solve ("solving") and of the write ("writing");
    ``on_write(result)`` runs inside the write transaction (a background job marks itself done there).
    """
    series_list = [s for s in series_list if s.status != SeriesStatus.ACCEPTED]
    total = len(series_list)
    specs = build_instance(
        series_list, progress=(lambda done: progress("building", done, total)) if progress else None
    )
    if progress:
        progress("solving", total, total)
    result = solve(specs, weights, allow_moving=allow_moving, time_limit=time_limit)
    if progress:
        progress("writing", total, total)
    by_pk = {s.pk: s for s in series_list}
    host_periods = {}
    with transaction.atomic():
        SeriesSlot.objects.filter(series__in=series_list, accepted=False).delete()
        for key, placement in result.placements.items():
            series = by_pk[key]
            school_id = series.host_classroom.school_id
            for candidate in placement.slots:
                period = host_periods.get((school_id, candidate.host_period))
                if period is None:
                    period = Period.objects.get(school_id=school_id, number=candidate.host_period)
                    host_periods[(school_id, candidate.host_period)] = period
                SeriesSlot.objects.create(
                    series=series,
                    weekday=candidate.weekday,
                    host_period=period,
                    start_minute=candidate.start,
                    end_minute=candidate.end,
                    receiver_periods={
                        key.split(":")[1]: number for key, number in candidate.receiver_periods
                    },
                )
            series.status, series.explanation = SeriesStatus.PROPOSED, []
            series.save(update_fields=["status", "explanation", "updated_at"])
        for key, explanation in result.unplaced.items():
            series = by_pk[key]
            series.status, series.explanation = SeriesStatus.UNPLACED, explanation
            series.save(update_fields=["status", "explanation", "updated_at"])
        if series_list:
            record_audit(
                acting_user,
                "timetable.schedule.run",
                series_list[0].alliance,
                changes={
                    "series": len(series_list),
                    "placed": len(result.placements),
                    "status": result.status,
                    "allow_moving": allow_moving,
                    "weights": weights.__dict__,
                },
            )
        if on_write:
            on_write(result)
    return result


def lesson_dates(series: SyncSeries, weekday: int, calendar: SchoolCalendar):
    """Dates of the alliance's term on which host and every receiving school follow ``weekday``."""
    alliance = series.alliance
    schools = {series.host_classroom.school_id, *series.receiving_classes.values_list("school_id", flat=True)}
    for date in dates_between(alliance.term_start, alliance.term_end):
        if all(calendar.follows(school_id, date) == weekday for school_id in schools):
            yield date


def accepted_clashes(series: SyncSeries, slots) -> list[str]:
    """Proposed slots that collide with slots accepted for other series since the proposal was made.

    Proposals are not reservations: two alliances sharing a class may be proposed the same time, and
    whichever accepts second must schedule again.
    """
    class_ids = set(series.receiving_classes.values_list("pk", flat=True))
    others = (
        SeriesSlot.objects.filter(accepted=True)
        .exclude(series=series)
        .filter(
            Q(series__host_teacher=series.host_teacher)
            | Q(series__host_classroom=series.host_classroom)
            | Q(series__receiving_classes__in=class_ids)
        )
        .select_related("series")
        .distinct()
    )
    problems = []
    for slot in slots:
        for other in others:
            if (
                other.weekday == slot.weekday
                and other.start_minute < slot.end_minute
                and (slot.start_minute < other.end_minute)
            ):
                problems.append(
                    _(
                        "%(subject)s on %(weekday)s %(clock)s now clashes with %(other)s, "
                        "accepted meanwhile; schedule again."
                    )
                    % {
                        "subject": series.subject,
                        "weekday": slot.get_weekday_display(),
                        "clock": slot.clock,
                        "other": other.series,
                    }
                )
    return problems


def do_accept_proposals(series_list, *, acting_user, now: dt.datetime | None = None) -> int:
    """Accept the proposed slots and generate the term's lessons (holidays skipped, make-up days honoured).

    A series accepted for the first time gets the whole term, so that the term reads complete; the
    lessons that start before the acceptance (``now``: the demo and generated worlds accept "at the
    term's start") are ``before_series``: nobody could teach them, so they are never missed, never
    entered, never moved. One scheduled again mid-term keeps its past and cancelled lessons; its
    scheduled lessons from today on are replaced.
    """
    now = now or timezone.now()
    calendar = SchoolCalendar()
    created = 0
    with transaction.atomic():
        for series in series_list:
            slots = list(series.slots.filter(accepted=False).select_related("host_period"))
            if series.status != SeriesStatus.PROPOSED or not slots:
                continue
            clashes = accepted_clashes(series, slots)
            if clashes:
                raise ValidationError(clashes)
            start_from = series.alliance.term_start
            if series.lessons.exists():
                start_from = max(start_from, timezone.localdate(now))
                series.lessons.filter(status=LessonStatus.SCHEDULED, date__gte=start_from).delete()
            taken = set(series.lessons.values_list("date", "host_period_id"))
            series.slots.filter(accepted=True).delete()
            lessons = []
            for slot in slots:
                for date in lesson_dates(series, slot.weekday, calendar):
                    if date < start_from or (date, slot.host_period_id) in taken:
                        continue
                    lessons.append(
                        Lesson(
                            series=series,
                            date=date,
                            host_period=slot.host_period,
                            starts_at=(starts_at := local_datetime(date, slot.start_minute)),
                            ends_at=local_datetime(date, slot.end_minute),
                            status=(
                                LessonStatus.BEFORE_SERIES if starts_at < now else LessonStatus.SCHEDULED
                            ),
                        )
                    )
            created_lessons = Lesson.objects.bulk_create(lessons)
            send_lessons_changed_on_commit(lesson.pk for lesson in created_lessons if lesson.pk)
            created += len(lessons)
            series.slots.update(accepted=True)
            series.status = SeriesStatus.ACCEPTED
            series.accepted_at = now
            series.save(update_fields=["status", "accepted_at", "updated_at"])
            record_audit(acting_user, "timetable.series.accepted", series, changes={"lessons": len(lessons)})
            _notify(
                series,
                _("%(subject)s by %(teacher)s is scheduled: %(slots)s.")
                % {
                    "subject": series.subject,
                    "teacher": series.host_teacher.name,
                    "slots": "、".join(f"{s.get_weekday_display()} {s.clock}" for s in slots),
                },
            )
    return created


def _notify(series: SyncSeries, message: str, link: str = "") -> None:
    schools = {series.host_classroom.school_id, *series.receiving_classes.values_list("school_id", flat=True)}
    do_notify(schools, message, link=link)

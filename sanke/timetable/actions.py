"""State changes of timetables: calendars, period grids, entries, scheduling, lessons."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanke.core.audit import record_audit
from sanke.notifications.actions import do_notify
from sanke.timetable.calendar import SchoolCalendar, dates_between
from sanke.timetable.choices import LessonStatus, SeriesStatus
from sanke.timetable.models import Lesson, Period, SeriesSlot, SyncSeries, Term, TimetableEntry, minutes_of
from sanke.timetable.scheduling.instance import build_instance
from sanke.timetable.scheduling.solver import Result, Weights, solve


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_datetime(date: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(minute // 60, minute % 60), tzinfo=_tz())


def _save(obj, noun: str, *, acting_user, changes=None):
    created = obj.pk is None
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        record_audit(
            acting_user, f"timetable.{noun}.{'created' if created else 'updated'}", obj, changes=changes
        )
    return obj


def do_save_term(term: Term, days: list, *, acting_user, changes=None) -> Term:
    """Save a term with its holidays and make-up days (``days``: unsaved CalendarDay objects) at once."""
    with transaction.atomic():
        _save(term, "term", acting_user=acting_user, changes=changes)
        term.days.all().delete()
        for day in days:
            day.term = term
            day.full_clean()
            day.save()
    return term


def do_set_period_grid(school, periods: list[tuple[int, dt.time, dt.time]], *, acting_user) -> list[Period]:
    """Replace a school's period grid (节次). Periods still used by timetable entries keep their rows."""
    numbers = sorted(number for number, _start, _end in periods)
    if len(numbers) != len(set(numbers)):
        raise ValidationError(_("Each period number may appear only once."))
    ordered = sorted(periods)
    for (_n1, _s1, end1), (_n2, start2, _e2) in zip(ordered, ordered[1:], strict=False):
        if start2 < end1:
            raise ValidationError(_("Periods overlap: a period starts before the previous one ends."))
    with transaction.atomic():
        kept = []
        for number, start, end in periods:
            period, _created = Period.objects.update_or_create(
                school=school, number=number, defaults={"start": start, "end": end}
            )
            period.full_clean()
            kept.append(period)
        removed = Period.objects.filter(school=school).exclude(number__in=numbers)
        if removed.filter(entries__isnull=False).exists():
            raise ValidationError(_("A removed period is still used by class timetables; clear those first."))
        if (
            SeriesSlot.objects.filter(host_period__in=removed).exists()
            or Lesson.objects.filter(host_period__in=removed).exists()
        ):
            raise ValidationError(
                _("A removed period still has scheduled sync lessons; move or cancel those first.")
            )
        removed.delete()
        record_audit(
            acting_user,
            "timetable.periods.updated",
            school,
            changes={"periods": [f"{n} {s:%H:%M}-{e:%H:%M}" for n, s, e in ordered]},
        )
    return kept


def do_save_entry(entry: TimetableEntry, *, acting_user, changes=None) -> TimetableEntry:
    """Set what a class has in one period of the week."""
    return _save(entry, "entry", acting_user=acting_user, changes=changes)


def do_delete_entry(entry: TimetableEntry, *, acting_user) -> None:
    with transaction.atomic():
        record_audit(acting_user, "timetable.entry.deleted", entry)
        entry.delete()


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
    series_list, *, weights: Weights, allow_moving: bool, acting_user, time_limit: float = 10.0
) -> Result:
    """Run the co-scheduler on these series together and store its proposals (not yet accepted).

    Series that cannot be placed are marked so, with the explanation the page shows.
    """
    series_list = [s for s in series_list if s.status != SeriesStatus.ACCEPTED]
    specs = build_instance(series_list)
    result = solve(specs, weights, allow_moving=allow_moving, time_limit=time_limit)
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


def do_accept_proposals(series_list, *, acting_user) -> int:
    """Accept the proposed slots and generate the term's lessons (holidays skipped, make-up days honoured).

    A series accepted for the first time gets the whole term. One scheduled again mid-term keeps its
    past and cancelled lessons; its scheduled lessons from today on are replaced.
    """
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
                start_from = max(start_from, timezone.localdate())
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
                            starts_at=local_datetime(date, slot.start_minute),
                            ends_at=local_datetime(date, slot.end_minute),
                        )
                    )
            Lesson.objects.bulk_create(lessons)
            created += len(lessons)
            series.slots.update(accepted=True)
            series.status = SeriesStatus.ACCEPTED
            series.accepted_at = timezone.now()
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


def check_move(lesson: Lesson, date: dt.date, host_period: Period) -> tuple[list[str], int]:
    """Everything that stops ``lesson`` from taking place on ``date`` in ``host_period``, for every
    participant, and the minute the lesson would start (the latest period start among the schools)."""
    series = lesson.series
    calendar = SchoolCalendar()
    problems = []
    host_school = series.host_classroom.school
    start, end = minutes_of(host_period.start), minutes_of(host_period.end)
    alliance = series.alliance
    if not alliance.term_start <= date <= alliance.term_end:
        # outside every school term the calendar assumes Monday–Friday teaching: holidays would pass
        return [
            _("%(date)s is outside the alliance's term (%(start)s – %(end)s).")
            % {"date": date, "start": alliance.term_start, "end": alliance.term_end}
        ], start
    weekday = calendar.follows(host_school.pk, date)
    if weekday is None:
        return [
            _("%(school)s does not teach on %(date)s.") % {"school": host_school.name, "date": date}
        ], start
    receivers = []
    for class_group in series.receiving_classes.select_related("school", "grade"):
        follows = calendar.follows(class_group.school_id, date)
        if follows is None:
            problems.append(
                _("%(school)s does not teach on %(date)s.")
                % {"school": class_group.school.name, "date": date}
            )
            continue
        period = next(
            (
                p
                for p in Period.objects.filter(school=class_group.school).order_by("number")
                if max(start, minutes_of(p.start)) + series.minutes <= min(end, minutes_of(p.end))
            ),
            None,
        )
        if period is None:
            problems.append(
                _("No period of %(school)s overlaps this time for %(minutes)d minutes.")
                % {"school": class_group.school.name, "minutes": series.minutes}
            )
            continue
        start, end = max(start, minutes_of(period.start)), min(end, minutes_of(period.end))
        receivers.append((class_group, follows, period))
    if problems:
        return problems, start
    lesson_start, lesson_end = start, start + series.minutes
    starts_at, ends_at = local_datetime(date, lesson_start), local_datetime(date, lesson_end)

    def entry_clash(queryset, who):
        for entry in queryset.select_related("period"):
            if minutes_of(entry.period.start) < lesson_end and lesson_start < minutes_of(entry.period.end):
                problems.append(
                    _("%(who)s has %(subject)s in period %(period)d.")
                    % {"who": who, "subject": entry.subject, "period": entry.period.number}
                )

    entry_clash(
        TimetableEntry.objects.filter(teacher=series.host_teacher, weekday=weekday), series.host_teacher.name
    )
    entry_clash(
        TimetableEntry.objects.filter(classroom=series.host_classroom, weekday=weekday),
        str(series.host_classroom),
    )
    for class_group, follows, _period in receivers:
        entry_clash(
            TimetableEntry.objects.filter(class_group=class_group, weekday=follows),
            f"{class_group.school.name} {class_group}",
        )
    others = (
        Lesson.objects.filter(
            status=LessonStatus.SCHEDULED, date=date, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(pk=lesson.pk)
        .select_related("series")
    )
    class_ids = {c.pk for c, _f, _p in receivers}
    for other in others:
        shared = []
        if other.series.host_teacher_id == series.host_teacher_id:
            shared.append(series.host_teacher.name)
        if other.series.host_classroom_id == series.host_classroom_id:
            shared.append(str(series.host_classroom))
        for class_group in other.series.receiving_classes.filter(pk__in=class_ids).select_related(
            "school", "grade"
        ):
            shared.append(f"{class_group.school.name} {class_group}")
        for who in shared:
            problems.append(
                _("%(who)s already has the sync lesson %(subject)s at %(time)s.")
                % {
                    "who": who,
                    "subject": other.series.subject,
                    "time": other.starts_at.astimezone(_tz()).strftime("%H:%M"),
                }
            )
    return problems, lesson_start


def do_move_lesson(lesson: Lesson, date: dt.date, host_period: Period, *, acting_user) -> Lesson:
    """Move one occurrence after checking every participant; the schools involved are notified."""
    if lesson.status != LessonStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled lesson can be moved."))
    if host_period.school_id != lesson.series.host_classroom.school_id:
        raise ValidationError(_("Choose a period of the host school."))
    problems, start = check_move(lesson, date, host_period)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        before = lesson.starts_at
        updated = Lesson.objects.filter(pk=lesson.pk, status=LessonStatus.SCHEDULED).update(
            date=date,
            host_period=host_period,
            starts_at=local_datetime(date, start),
            ends_at=local_datetime(date, start + lesson.series.minutes),
            moved_from=lesson.moved_from or before,
        )
        if not updated:
            raise ValidationError(_("The lesson changed meanwhile; reload the page."))
        lesson.refresh_from_db()
        record_audit(
            acting_user,
            "timetable.lesson.moved",
            lesson,
            changes={"from": before.isoformat(), "to": lesson.starts_at.isoformat()},
        )
        _notify(
            lesson.series,
            _("%(subject)s on %(old)s moved to %(new)s.")
            % {
                "subject": lesson.series.subject,
                "old": before.astimezone(_tz()).strftime("%m-%d %H:%M"),
                "new": lesson.starts_at.astimezone(_tz()).strftime("%m-%d %H:%M"),
            },
            link=reverse("timetable:lesson", args=[lesson.pk]),
        )
    return lesson


def do_cancel_lesson(lesson: Lesson, reason: str, *, acting_user) -> Lesson:
    """Cancel one occurrence with a reason; the schools involved are notified."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for the cancellation."))
    with transaction.atomic():
        updated = Lesson.objects.filter(pk=lesson.pk, status=LessonStatus.SCHEDULED).update(
            status=LessonStatus.CANCELLED, cancel_reason=reason.strip()[:200]
        )
        if not updated:
            raise ValidationError(_("Only a scheduled lesson can be cancelled."))
        lesson.refresh_from_db()
        record_audit(
            acting_user, "timetable.lesson.cancelled", lesson, changes={"reason": lesson.cancel_reason}
        )
        _notify(
            lesson.series,
            _("%(subject)s on %(when)s is cancelled: %(reason)s")
            % {
                "subject": lesson.series.subject,
                "when": lesson.starts_at.astimezone(_tz()).strftime("%m-%d %H:%M"),
                "reason": lesson.cancel_reason,
            },
            link=reverse("timetable:lesson", args=[lesson.pk]),
        )
    return lesson


# --- a lesson's status as the live lesson moves it (live calls these; timetable owns the column) ----------
def do_mark_lesson_live(lesson: Lesson) -> bool:
    """scheduled → live. A conditional update: False if the lesson was not scheduled (someone else
    started, moved or cancelled it first). The caller audits, in its own transaction."""
    scheduled = Lesson.objects.filter(pk=lesson.pk, status=LessonStatus.SCHEDULED)
    if not scheduled.update(status=LessonStatus.LIVE):
        return False
    lesson.status = LessonStatus.LIVE
    return True


def do_mark_lesson_ended(lesson: Lesson) -> bool:
    """live → ended; False if the lesson was not live."""
    if not Lesson.objects.filter(pk=lesson.pk, status=LessonStatus.LIVE).update(status=LessonStatus.ENDED):
        return False
    lesson.status = LessonStatus.ENDED
    return True


def do_mark_lesson_missed(lesson: Lesson) -> bool:
    """scheduled → missed (nobody started it); False if it was not scheduled any more."""
    if not Lesson.objects.filter(pk=lesson.pk, status=LessonStatus.SCHEDULED).update(
        status=LessonStatus.MISSED
    ):
        return False
    lesson.status = LessonStatus.MISSED
    return True

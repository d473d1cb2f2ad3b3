"""State changes of single lessons: move and cancel one occurrence, and the status changes the live
lesson makes (timetable owns the column; live calls these)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanke.core.audit import record_audit
from sanke.notifications.actions import do_notify
from sanke.timetable.actions.series import _notify, _tz, local_datetime
from sanke.timetable.calendar import SchoolCalendar
from sanke.timetable.choices import LessonStatus, MoveRequestStatus
from sanke.timetable.events import send_lessons_changed_on_commit
from sanke.timetable.models import Lesson, LessonMoveRequest, Period, TimetableEntry, minutes_of

EARLIEST_AGREED_START = 6 * 60  # an agreed time outside the periods still lies within a school day
LATEST_AGREED_END = 22 * 60


def host_period_at(school_id: int, start: int, end: int) -> Period | None:
    """The host school's period that overlaps ``start``–``end`` the most (else the nearest one): the row a
    lesson at an agreed time shows in on the week grids."""
    periods = list(Period.objects.filter(school_id=school_id).order_by("number"))

    def overlap(p: Period) -> int:
        return min(end, minutes_of(p.end)) - max(start, minutes_of(p.start))

    def distance(p: Period) -> int:
        return abs(minutes_of(p.start) - start)

    return max(periods, key=lambda p: (overlap(p), -distance(p)), default=None)


def check_move(
    lesson: Lesson, date: dt.date, host_period: Period | None, *, start_minute: int | None = None
) -> tuple[list[str], int]:
    """Everything that stops ``lesson`` from taking place on ``date`` in ``host_period``, for every
    participant, and the minute the lesson would start (the latest period start among the schools).

    With ``start_minute`` the lesson moves to that agreed time instead (a time the schools arranged, in
    or out of their periods): then no school needs a matching period, but the same clash checks hold
    for the teacher, the host classroom and every receiving class."""
    series = lesson.series
    calendar = SchoolCalendar()
    problems = []
    host_school = series.host_classroom.school
    agreed = start_minute is not None
    if start_minute is not None:
        if start_minute < EARLIEST_AGREED_START or start_minute + series.minutes > LATEST_AGREED_END:
            return [_("Choose a time between 06:00 and 22:00.")], start_minute
        start, end = start_minute, start_minute + series.minutes
    else:
        assert host_period is not None
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
        if agreed:
            receivers.append((class_group, follows, None))
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


def do_move_lesson(
    lesson: Lesson,
    date: dt.date,
    host_period: Period | None = None,
    *,
    start_minute: int | None = None,
    acting_user,
) -> Lesson:
    """Move one occurrence, to a host period or to an agreed start time, after checking every
    participant; the schools involved are notified."""
    if lesson.status != LessonStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled lesson can be moved."))
    host_school_id = lesson.series.host_classroom.school_id
    if host_period is None and start_minute is None:
        raise ValidationError(_("Choose a period of the host school or an agreed start time."))
    if host_period is not None and host_period.school_id != host_school_id:
        raise ValidationError(_("Choose a period of the host school."))
    problems, start = check_move(lesson, date, host_period, start_minute=start_minute)
    if problems:
        raise ValidationError(problems)
    if start_minute is not None:
        host_period = host_period_at(host_school_id, start, start + lesson.series.minutes)
        if host_period is None:
            raise ValidationError(_("The host school has no period grid yet."))
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
        send_lessons_changed_on_commit([lesson.pk])
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
        send_lessons_changed_on_commit([lesson.pk])
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


# --- a teacher's request to move their own lesson, confirmed by the school ------------------------------
def do_request_lesson_move(
    lesson: Lesson,
    date: dt.date,
    host_period: Period | None = None,
    *,
    start_minute: int | None = None,
    note: str = "",
    acting_user,
) -> LessonMoveRequest:
    """The host teacher asks to move one of their lessons. The same checks as a move run now, so the
    teacher learns at once what stands in the way; the host school is notified and decides."""
    if lesson.status != LessonStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled lesson can be moved."))
    if host_period is None and start_minute is None:
        raise ValidationError(_("Choose a period of the host school or an agreed start time."))
    if host_period is not None and host_period.school_id != lesson.series.host_classroom.school_id:
        raise ValidationError(_("Choose a period of the host school."))
    problems, _start = check_move(lesson, date, host_period, start_minute=start_minute)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if LessonMoveRequest.objects.filter(lesson=lesson, status=MoveRequestStatus.PENDING).exists():
            raise ValidationError(_("A move of this lesson is already waiting for the school."))
        request = LessonMoveRequest.objects.create(
            lesson=lesson,
            requested_by=acting_user,
            date=date,
            host_period=host_period if start_minute is None else None,
            start_minute=start_minute,
            note=note.strip()[:200],
        )
        record_audit(
            acting_user,
            "timetable.move_request.created",
            request,
            changes={"date": date.isoformat(), "at": request.target_clock},
        )
        do_notify(
            [lesson.series.host_classroom.school_id],
            _("%(teacher)s asks to move %(subject)s on %(old)s to %(new)s.")
            % {
                "teacher": lesson.series.host_teacher.name,
                "subject": lesson.series.subject,
                "old": lesson.starts_at.astimezone(_tz()).strftime("%m-%d %H:%M"),
                "new": f"{date:%m-%d} {request.target_clock}",
            },
            link=reverse("timetable:lesson", args=[lesson.pk]),
        )
    return request


def do_decide_lesson_move(request: LessonMoveRequest, *, confirm: bool, acting_user) -> LessonMoveRequest:
    """The host school confirms (the lesson moves, after the checks run again) or declines a request.

    The request is claimed with a conditional update on ``pending``, so two clicks decide once."""
    with transaction.atomic():
        status = MoveRequestStatus.CONFIRMED if confirm else MoveRequestStatus.DECLINED
        claimed = LessonMoveRequest.objects.filter(pk=request.pk, status=MoveRequestStatus.PENDING).update(
            status=status, decided_by=acting_user, decided_at=timezone.now()
        )
        if not claimed:
            raise ValidationError(_("This request was decided meanwhile; reload the page."))
        request.refresh_from_db()
        if confirm:
            do_move_lesson(
                request.lesson,
                request.date,
                request.host_period,
                start_minute=request.start_minute,
                acting_user=acting_user,
            )
        else:
            do_notify(
                [request.lesson.series.host_classroom.school_id],
                _("The move of %(subject)s on %(old)s was declined.")
                % {
                    "subject": request.lesson.series.subject,
                    "old": request.lesson.starts_at.astimezone(_tz()).strftime("%m-%d %H:%M"),
                },
                link=reverse("timetable:lesson", args=[request.lesson_id]),
            )
        record_audit(acting_user, f"timetable.move_request.{status}", request)
    return request

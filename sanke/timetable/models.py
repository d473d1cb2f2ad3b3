"""Terms, period grids, class timetables, sync-course series and their lessons.

Times are planned in school-local periods (节次) whose clock times differ between schools; a sync
lesson needs an overlapping clock interval at the host and at every receiving class. Dates and clock
times are local to the school (Asia/Shanghai); a lesson's ``starts_at``/``ends_at`` are stored in UTC.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanke.alliances.models import Alliance
from sanke.core.models import BackgroundJob, ChoiceLabels, TimeStampedModel
from sanke.core.params import EARLIEST_DATE, LATEST_DATE
from sanke.core.scoping import CHANGE, VIEW, ScopedQuerySet
from sanke.timetable.choices import (
    DayKind,
    LessonStatus,
    MoveRequestStatus,
    SeriesStatus,
    SyncMode,
    Weekday,
)

# A Chinese school term is a semester: about five months, at most eight with a long holiday inside.
MAX_TERM_DAYS = 245


class Term(TimeStampedModel):
    """A school's term: the days it teaches, apart from holidays, plus make-up days (调休上课)."""

    school = models.ForeignKey(
        "org.School", verbose_name=_("school"), related_name="terms", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=64)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "-start"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="term_name_unique_per_school")]

    def __str__(self) -> str:
        return f"{self.school} · {self.name}"

    def clean(self) -> None:
        """A term is one semester (学期) of a real school year: its dates lie in 2000–2100, it lasts at most
        about eight months, and it does not overlap another term of the school (a day would otherwise
        belong to two timetables). A typo such as 9999-12-31 is refused here, not found later by a page
        that counts the term's days."""
        errors = {}
        for name in ("start", "end"):
            value = getattr(self, name)
            if value and not EARLIEST_DATE <= value <= LATEST_DATE:
                errors[name] = _("Enter a date between 2000 and 2100.")
        if errors:
            raise ValidationError(errors)
        if not (self.start and self.end):
            return
        if self.end < self.start:
            raise ValidationError({"end": _("The last day is before the first day.")})
        if (self.end - self.start).days >= MAX_TERM_DAYS:
            raise ValidationError(
                {"end": _("A term is one semester and lasts at most 8 months; check the last day.")}
            )
        if self.school_id:
            # scope: the other terms of the school being saved, for the overlap rule
            other = (
                Term.objects.filter(school_id=self.school_id, start__lte=self.end, end__gte=self.start)
                .exclude(pk=self.pk)
                .order_by("start")
                .first()
            )
            if other is not None:
                raise ValidationError(
                    _(
                        "The dates overlap the term %(name)s (%(start)s – %(end)s); "
                        "change the dates so that the terms follow each other."
                    )
                    % {"name": other.name, "start": other.start.isoformat(), "end": other.end.isoformat()}
                )

    def audit_placement(self):
        return self.school.region.code, self.school


class CalendarDay(models.Model):
    """An exception in a term: a holiday, or a make-up day (调休) that follows one weekday's timetable."""

    term = models.ForeignKey(Term, verbose_name=_("term"), related_name="days", on_delete=models.CASCADE)
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    follows_weekday = models.PositiveSmallIntegerField(
        _("follows the timetable of"), choices=Weekday.choices, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [models.UniqueConstraint(fields=["term", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Period(models.Model):
    """One period (节次) of a school's daily grid, with its clock times."""

    school = models.ForeignKey(
        "org.School", verbose_name=_("school"), related_name="periods", on_delete=models.CASCADE
    )
    number = models.PositiveSmallIntegerField(
        _("period"), validators=[MinValueValidator(1), MaxValueValidator(16)]
    )
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "number"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="period_unique_per_school")]

    def __str__(self) -> str:
        return f"{self.number} ({self.start:%H:%M}–{self.end:%H:%M})"

    @property
    def minutes(self) -> int:
        return minutes_of(self.end) - minutes_of(self.start)

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("A period ends after it starts.")})

    def audit_placement(self):
        return self.school.region.code, self.school


def minutes_of(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class TimetableEntry(TimeStampedModel):
    """What a class has in one period of the week: subject, teacher and (optionally) the room."""

    class_group = models.ForeignKey(
        "org.ClassGroup", verbose_name=_("class"), related_name="timetable", on_delete=models.CASCADE
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    period = models.ForeignKey(
        Period, verbose_name=_("period"), related_name="entries", on_delete=models.CASCADE
    )
    subject = models.CharField(_("subject"), max_length=32)
    teacher = models.ForeignKey(
        "org.Person",
        verbose_name=_("teacher"),
        null=True,
        blank=True,
        related_name="timetable_entries",
        on_delete=models.SET_NULL,
    )
    classroom = models.ForeignKey(
        "org.Classroom",
        verbose_name=_("classroom"),
        null=True,
        blank=True,
        related_name="timetable_entries",
        on_delete=models.SET_NULL,
    )

    class EntryQuerySet(ScopedQuerySet):
        scope_path = "class_group__school__"

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["class_group_id", "weekday", "period__number"]
        verbose_name = _("timetable entry")
        verbose_name_plural = _("timetable entries")
        constraints = [
            models.UniqueConstraint(
                fields=["class_group", "weekday", "period"], name="timetable_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.class_group} {self.get_weekday_display()} {self.period.number} {self.subject}"

    def clean(self) -> None:
        school_id = self.class_group.school_id if self.class_group_id else None
        if self.period_id and school_id and self.period.school_id != school_id:
            raise ValidationError({"period": _("The period belongs to another school's grid.")})
        if self.teacher_id and school_id and self.teacher.school_id != school_id:
            raise ValidationError({"teacher": _("The teacher must teach at this school.")})

    def audit_placement(self):
        return self.class_group.audit_placement()


HOST_CLASSROOM_NOT_CAPABLE = _(
    "This classroom cannot host lessons. Choose a classroom marked “can host lessons”, or mark it so "
    "on the classroom's page."
)


class SyncSeries(TimeStampedModel):
    """A weekly delivery course: one host teacher and classroom teaching N receiving classes live."""

    alliance = models.ForeignKey(
        "alliances.Alliance", verbose_name=_("alliance"), related_name="series", on_delete=models.CASCADE
    )
    subject = models.CharField(_("subject"), max_length=32)
    host_teacher = models.ForeignKey(
        "org.Person", verbose_name=_("host teacher"), related_name="host_series", on_delete=models.PROTECT
    )
    host_classroom = models.ForeignKey(
        "org.Classroom",
        verbose_name=_("host classroom"),
        related_name="host_series",
        on_delete=models.PROTECT,
    )
    receiving_classes = models.ManyToManyField(
        "org.ClassGroup", verbose_name=_("receiving classes"), related_name="received_series"
    )
    lessons_per_week = models.PositiveSmallIntegerField(
        _("lessons per week"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    minutes = models.PositiveSmallIntegerField(
        _("lesson length (minutes)"), default=40, validators=[MinValueValidator(10), MaxValueValidator(90)]
    )
    mode = models.CharField(
        _("mode"), max_length=32, choices=SyncMode.choices, default=SyncMode.LIVE_WITH_STUDENTS
    )
    core_subject = models.BooleanField(_("core subject (prefer mornings)"), default=False)
    allow_same_day = models.BooleanField(_("allow two lessons on one day"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=SeriesStatus.choices, default=SeriesStatus.DRAFT
    )
    explanation = models.JSONField(_("why it could not be placed"), default=list, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class SeriesQuerySet(ScopedQuerySet):
        follows = ("alliance", "alliances.Alliance")

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["alliance_id", "subject", "id"]
        verbose_name = _("sync-course series")
        verbose_name_plural = _("sync-course series")

    def __str__(self) -> str:
        return f"{self.subject} · {self.host_teacher}"

    def clean(self) -> None:
        # A receive-only room has no camera set-up for teaching out: the series could never be placed.
        if self.host_classroom_id and not self.host_classroom.host_capable:
            raise ValidationError({"host_classroom": HOST_CLASSROOM_NOT_CAPABLE})

    def audit_placement(self):
        return self.alliance.audit_placement()


class SeriesSlot(ChoiceLabels):
    """A weekly slot of a series, in the host school's periods; proposed by the scheduler, then accepted."""

    series = models.ForeignKey(
        SyncSeries, verbose_name=_("series"), related_name="slots", on_delete=models.CASCADE
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    host_period = models.ForeignKey(
        Period, verbose_name=_("host period"), related_name="+", on_delete=models.CASCADE
    )
    start_minute = models.PositiveSmallIntegerField(_("lesson starts (minute of day)"))
    end_minute = models.PositiveSmallIntegerField(_("lesson ends (minute of day)"))
    receiver_periods = models.JSONField(
        _("receiving classes' periods"), default=dict
    )  # {class id: period no}
    accepted = models.BooleanField(_("accepted"), default=False)

    class Meta:
        ordering = ["series_id", "weekday", "host_period__number"]
        verbose_name = _("weekly slot")
        verbose_name_plural = _("weekly slots")

    def __str__(self) -> str:
        return f"{self.series} {self.get_weekday_display()} {self.host_period.number}"

    @property
    def clock(self) -> str:
        return f"{clock_text(self.start_minute)}–{clock_text(self.end_minute)}"


class Lesson(TimeStampedModel):
    """One occurrence of a series on a date. Moving or cancelling it touches this occurrence only."""

    series = models.ForeignKey(
        SyncSeries, verbose_name=_("series"), related_name="lessons", on_delete=models.CASCADE
    )
    date = models.DateField(_("date"), db_index=True)
    host_period = models.ForeignKey(
        Period, verbose_name=_("host period"), related_name="+", on_delete=models.PROTECT
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=16, choices=LessonStatus.choices, default=LessonStatus.SCHEDULED
    )
    moved_from = models.DateTimeField(_("originally at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class LessonQuerySet(ScopedQuerySet):
        follows = ("series__alliance", "alliances.Alliance")

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return f"{self.series.subject} {self.date}"

    def audit_placement(self):
        return self.series.audit_placement()


class LessonMoveRequest(TimeStampedModel):
    """A host teacher's request to move one of their own lessons, which the host school confirms.

    Teachers know first when a lesson cannot take place (a trip, an exam); the school keeps the say over
    its timetable. Confirming runs the same move, with the same checks for every participant, at the time
    of confirming: a request is not a reservation.
    """

    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), related_name="move_requests", on_delete=models.CASCADE
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), related_name="+", on_delete=models.CASCADE
    )
    date = models.DateField(_("new date"))
    host_period = models.ForeignKey(
        Period,
        verbose_name=_("host school period"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    start_minute = models.PositiveSmallIntegerField(_("agreed start (minute of day)"), null=True, blank=True)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MoveRequestStatus.choices, default=MoveRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class MoveRequestQuerySet(ScopedQuerySet):
        follows = ("lesson__series__alliance", "alliances.Alliance")

    objects = MoveRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lesson move request")
        verbose_name_plural = _("lesson move requests")

    def __str__(self) -> str:
        return f"{self.lesson} → {self.date} {self.target_clock}"

    @property
    def target_clock(self) -> str:
        if self.start_minute is not None:
            return clock_text(self.start_minute)
        return f"{self.host_period.start:%H:%M}" if self.host_period else ""

    def audit_placement(self):
        return self.lesson.audit_placement()


class CalendarLinkVersion(models.Model):
    """The version of one user's, or one classroom's, calendar addresses (every iCal feed token carries it).

    A calendar address is a credential that calendar apps fetch without logging in. Resetting bumps the
    version, so every address signed with an earlier one stops working at once: a lost phone, a link pasted
    into a group chat. A user resets their own; whoever manages a classroom's school resets the classroom's
    for everyone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    classroom = models.OneToOneField(
        "org.Classroom", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar link version")
        verbose_name_plural = _("calendar link versions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, classroom__isnull=True)
                | models.Q(user__isnull=True, classroom__isnull=False),
                name="calendar_link_version_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.classroom_id} v{self.version}"


class ScheduleJobQuerySet(ScopedQuerySet):
    """A co-scheduling job is seen by those who may schedule what it schedules: for an alliance, whoever
    may manage the alliance (its bureau, its host school's admins, its coordinator); for a region, the
    bureau admins of that region. Nobody changes a job from a page: only the worker does."""

    def scope_q(self, scope, user, action):
        if action != VIEW:
            return None
        managed_alliances = Alliance.objects.visible_to(user, CHANGE).values("pk")
        query = models.Q(alliance__in=managed_alliances)
        regions = scope.manage_region_q("region__")
        return query | regions if regions is not None else query


class ScheduleJob(BackgroundJob):
    """The co-scheduling of every pending series of an alliance or of a region (a county, a city), run
    in the background: for a county the instance build and the CP-SAT solve take longer than a request
    may. The proposals themselves are written on the series (all of them in one transaction, as before);
    the job keeps what came out (which series were placed, which not) for its result page.

    ``lock_key`` ("alliance:<pk>" or "region:<pk>") is unique among active jobs, so a second run of the
    same alliance or region cannot start while one runs (the page shows the running one instead).
    """

    alliance = models.ForeignKey(
        "alliances.Alliance", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lock_key = models.CharField(max_length=32)
    weights = models.JSONField(default=dict, blank=True)
    allow_moving = models.BooleanField(default=False)
    time_limit = models.FloatField(default=10.0)  # seconds for the solver
    solve_until = models.DateTimeField(null=True, blank=True)  # the solver's deadline, for the estimate
    placed = models.JSONField(default=list, blank=True)  # pks of the series placed
    unplaced = models.JSONField(default=list, blank=True)  # pks of the series that could not be placed
    solver_status = models.CharField(max_length=32, blank=True)
    seconds = models.FloatField(default=0.0)  # the solver's time

    objects = ScheduleJobQuerySet.as_manager()

    PHASE_TEXTS = {
        "queued": _("Waiting for the background worker…"),
        "building": _("Reading timetables and bell schedules…"),
        "solving": _("Searching for times that suit everyone…"),
        "writing": _("Saving the proposals…"),
    }
    PROGRESS_TEXT = _("%(done)s of %(total)s series considered")

    class Meta(BackgroundJob.Meta):
        verbose_name = _("co-scheduling job")
        verbose_name_plural = _("co-scheduling jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["lock_key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_schedule_job_per_target",
            ),
            models.CheckConstraint(
                condition=models.Q(alliance__isnull=False) | models.Q(region__isnull=False),
                name="schedule_job_has_a_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lock_key} ({self.status})"

    @property
    def target(self):
        return self.alliance if self.alliance_id else self.region

    def seconds_left(self) -> int | None:
        """While the solver runs, the time up to its deadline (it often stops earlier, at the optimum)."""
        if self.status == "running" and self.phase == "solving" and self.solve_until:
            return max(1, round((self.solve_until - timezone.now()).total_seconds()))
        return super().seconds_left()

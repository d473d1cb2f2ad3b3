from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


SCHOOL_WEEK = (1, 2, 3, 4, 5)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    MAKEUP = "makeup", _("Make-up day")


class SyncMode(models.TextChoices):
    LIVE_WITH_STUDENTS = "live_with_students", _("Live, students at the host (同步有生)")
    LIVE_STUDIO = "live_studio", _("Live from a studio (同步无生)")
    ASYNC_DUAL_TEACHER = "async_dual_teacher", _("Asynchronous dual-teacher (异步双师)")


class SeriesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Slots proposed")
    ACCEPTED = "accepted", _("Scheduled")
    UNPLACED = "unplaced", _("Could not be placed")


class LessonStatus(models.TextChoices):
    """scheduled → live → ended; or scheduled → missed (nobody started it) / cancelled (with a reason)."""

    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")

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
    """scheduled → live → ended; or scheduled → missed (nobody started it) / cancelled (with a reason).

    ``before_series``: a date of the term that had passed when the series was accepted (mid-term); kept so
    the term reads whole, but nobody could teach it, so it is never missed, entered or moved.
    """

    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")
    BEFORE_SERIES = "before_series", _("Before the series started")


class MoveRequestStatus(models.TextChoices):
    """pending → confirmed (the lesson moved) or declined, by whoever manages the host school."""

    PENDING = "pending", _("Waiting for the school")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")

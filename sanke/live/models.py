"""The event log of live lessons. A lesson's live state is the replay of its events (see events.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core.scoping import ScopedQuerySet


class LiveSessionQuerySet(ScopedQuerySet):
    """A lesson's live state is visible to whoever sees the lesson."""

    follows = ("lesson", "timetable.Lesson")


class LiveSession(models.Model):
    """Live's own state of one lesson: whether it is on air, when it started and ended, and the number
    of its last event.

    The lesson's status (scheduled, live, ended, missed, cancelled) is timetable's column, changed
    through timetable's actions; this row is what only the live lesson needs. Numbering the next events
    and checking that the lesson is live take one locked row here, not a scan of the event log
    (docs/decisions/0011-live-session.md).
    """

    lesson = models.OneToOneField(
        "timetable.Lesson",
        verbose_name=_("lesson"),
        primary_key=True,
        related_name="live_session",
        on_delete=models.CASCADE,
    )
    is_live = models.BooleanField(_("on air"), default=True)
    event_seq = models.PositiveIntegerField(_("events"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The lesson's Janus VideoRoom while it is taught (sanke/live/media/rooms.py): a random, unguessable
    # number so that no other lesson's page can name it, its PIN and secret (random, never derived), and
    # the roster of media feeds: participant key ("host", "classroom-<pk>") → {"feed": the Janus id the
    # platform assigned, "join": its token in the room's allowed list}. Empty when no room exists.
    media_room = models.PositiveBigIntegerField(_("media room"), null=True, blank=True, unique=True)
    media_pin = models.CharField(_("media room PIN"), max_length=64, blank=True)
    media_secret = models.CharField(_("media room secret"), max_length=64, blank=True)
    media_feeds = models.JSONField(_("media feeds"), default=dict, blank=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return f"{self.lesson_id} #{self.event_seq}"


class LessonEventQuerySet(ScopedQuerySet):
    """A lesson's events are visible to whoever sees the lesson."""

    follows = ("lesson", "timetable.Lesson")


class LessonEvent(models.Model):
    """One thing that happened in a lesson, numbered per lesson so clients can resume after a drop."""

    lesson = models.ForeignKey(
        "timetable.Lesson", verbose_name=_("lesson"), related_name="events", on_delete=models.CASCADE
    )
    seq = models.PositiveIntegerField(_("number"))
    type = models.CharField(_("type"), max_length=32)
    payload = models.JSONField(_("data"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = LessonEventQuerySet.as_manager()

    class Meta:
        ordering = ["lesson_id", "seq"]
        verbose_name = _("lesson event")
        verbose_name_plural = _("lesson events")
        constraints = [models.UniqueConstraint(fields=["lesson", "seq"], name="lesson_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.lesson_id}#{self.seq} {self.type}"

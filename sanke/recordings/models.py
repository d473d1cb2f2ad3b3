"""Recordings (课堂实录) of lessons and library videos, their upload state and their published renditions.

A ``Recording`` is one video: of a lesson (its audience is the lesson's: whoever sees the lesson's series
and alliance) or of the owner school's library (whoever sees that school). Its row carries the resumable
upload (tus offsets), the processing state the page shows, and, once processed, one ``RenditionSet``: the
HLS renditions, poster and duration that the player serves. The set is created in the same transaction
that marks the recording ready, and at most one exists per recording (a one-to-one row), so a repeated or
interrupted transcode never publishes twice.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanke.core.models import TimeStampedModel
from sanke.core.scoping import VIEW, ScopedQuerySet
from sanke.recordings.choices import FailureReason, RecordingState


class RecordingQuerySet(ScopedQuerySet):
    """A lesson's recording is visible to whoever sees the lesson; a library recording to whoever sees
    its school. It is changed by the school's admins (and the bureau above) and by its uploader."""

    def scope_q(self, scope, user, action):
        if action == VIEW:
            lessons = apps.get_model("timetable", "Lesson")._default_manager.all().visible_to(user, VIEW)
            parts = [Q(lesson__in=lessons.values("pk"))]
            school = scope.school_q("school__", staff_only=False)
            if school is not None:
                parts.append(Q(lesson__isnull=True) & school)
            return parts[0] if len(parts) == 1 else parts[0] | parts[1]
        manage = scope.manage_q("school__")
        mine = Q(uploaded_by=user) if user.is_authenticated else None
        if manage is None:
            return mine
        return manage | mine if mine is not None else manage


class Recording(TimeStampedModel):
    """One video of a lesson or of a school's library, from its upload to its published renditions."""

    upload_id = models.UUIDField(_("upload id"), default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        "org.School", verbose_name=_("school"), related_name="recordings", on_delete=models.PROTECT
    )
    lesson = models.ForeignKey(
        "timetable.Lesson",
        verbose_name=_("lesson"),
        related_name="recordings",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    title = models.CharField(_("title"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    state = models.CharField(
        _("state"), max_length=16, choices=RecordingState.choices, default=RecordingState.UPLOADING
    )
    failure = models.CharField(_("reason"), max_length=32, choices=FailureReason.choices, blank=True)
    failure_detail = models.TextField(_("technical detail"), blank=True)
    # the resumable upload (tus 1.0): the file grows under VAR_DIR/uploads until offset == length
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    upload_length = models.PositiveBigIntegerField(_("size"), default=0)
    upload_offset = models.PositiveBigIntegerField(_("received"), default=0)
    source = models.CharField(_("source file"), max_length=255, blank=True)  # name in the default storage
    source_duration = models.FloatField(_("source duration (s)"), null=True, blank=True)
    # processing (a claim with a lease: a run whose heartbeat stopped is taken over by the next)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = RecordingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        indexes = [models.Index(fields=["state", "queued_at"], name="recording_queue_idx")]

    def __str__(self) -> str:
        return self.title

    def audit_placement(self):
        return self.school.audit_placement()

    @property
    def upload_percent(self) -> int:
        return int(100 * self.upload_offset / self.upload_length) if self.upload_length else 0


class FollowsRecording(ScopedQuerySet):
    follows = ("recording", "recordings.Recording")


class RenditionSet(models.Model):
    """The published HLS of a recording: a master playlist over two renditions, a poster, the duration.

    ``prefix`` is the folder in the default storage that holds it all; it appears there complete (renamed
    or copied in before this row is written) and this row is what makes it visible."""

    recording = models.OneToOneField(
        Recording, verbose_name=_("recording"), related_name="renditions", on_delete=models.CASCADE
    )
    prefix = models.CharField(_("folder"), max_length=255)
    renditions = models.JSONField(_("renditions"), default=list)  # [{name, height, bandwidth, playlist}]
    poster = models.CharField(_("poster"), max_length=255, blank=True)
    duration = models.FloatField(_("duration (s)"))
    size_bytes = models.PositiveBigIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = FollowsRecording.as_manager()

    class Meta:
        verbose_name = _("rendition set")
        verbose_name_plural = _("rendition sets")

    def __str__(self) -> str:
        return self.prefix


class Chapter(models.Model):
    """A teacher's marker on a recording's timeline (the lesson's own events are added when shown)."""

    recording = models.ForeignKey(
        Recording, verbose_name=_("recording"), related_name="chapters", on_delete=models.CASCADE
    )
    seconds = models.FloatField(_("at (s)"))
    title = models.CharField(_("title"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowsRecording.as_manager()

    class Meta:
        ordering = ["recording_id", "seconds", "id"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self) -> str:
        return self.title

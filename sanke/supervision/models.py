"""The indicator roll-up tables: one fact per lesson and receiving class, and daily sums per dimension.

Both are derived data, owned by supervision and rebuilt from timetable's lessons and live's event logs
(``manage.py rebuild_indicators``); the fold (``sanke.supervision.folding``) keeps them fresh lesson by
lesson. Plain columns and indexes only, so the same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core.models import BackgroundJob
from sanke.supervision.choices import Dimension, Outcome


class LessonFact(models.Model):
    """What one lesson was for one receiving class: held or not (and why), and whether it reached them.

    The placement columns (schools, teacher, region codes, week) are copied from the lesson's series so
    that the roll-up groups without joins; a fold rewrites them when the lesson changes.
    """

    lesson = models.ForeignKey("timetable.Lesson", related_name="+", on_delete=models.CASCADE)
    class_group = models.ForeignKey("org.ClassGroup", related_name="+", on_delete=models.CASCADE)
    day = models.DateField(_("date"))
    week = models.DateField(_("week (its Monday)"))
    alliance = models.ForeignKey("alliances.Alliance", related_name="+", on_delete=models.CASCADE)
    subject = models.CharField(_("subject"), max_length=32)
    host_teacher = models.ForeignKey("org.Person", related_name="+", on_delete=models.CASCADE)
    host_classroom = models.ForeignKey("org.Classroom", related_name="+", on_delete=models.CASCADE)
    host_school = models.ForeignKey("org.School", related_name="+", on_delete=models.CASCADE)
    host_region_code = models.CharField(max_length=6)
    receiving_school = models.ForeignKey("org.School", related_name="+", on_delete=models.CASCADE)
    receiving_region_code = models.CharField(max_length=6)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    moved = models.BooleanField(_("moved"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    connected_share = models.FloatField(_("share of the lesson connected"), default=0.0)
    reached = models.BooleanField(_("connected for most of the lesson"), default=False)
    interacted = models.BooleanField(_("spoke or answered at least once"), default=False)
    head_count = models.PositiveIntegerField(_("students present"), null=True, blank=True)
    roster = models.PositiveIntegerField(_("students on the roster"), default=0)

    class Meta:
        verbose_name = _("lesson fact")
        verbose_name_plural = _("lesson facts")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "class_group"], name="lesson_fact_unique"),
        ]
        indexes = [
            models.Index(fields=["host_school", "day"], name="fact_host_school_day"),
            models.Index(fields=["receiving_school", "day"], name="fact_recv_school_day"),
            models.Index(fields=["host_teacher", "day"], name="fact_teacher_day"),
            models.Index(fields=["class_group", "day"], name="fact_class_day"),
            models.Index(fields=["alliance", "day"], name="fact_alliance_day"),
            models.Index(fields=["host_region_code", "day"], name="fact_region_day"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id}/{self.class_group_id}: {self.outcome}"


class IndicatorDay(models.Model):
    """The sums of one day for one region, school, alliance, teacher, class or host classroom.

    ``lessons`` counts distinct lessons (a school hosting and receiving the same lesson counts it once);
    ``receptions`` … ``roster`` count lesson × receiving class. ``region_code`` and ``school_id`` place the
    row for scoping and for summing a subtree by code prefix.
    """

    day = models.DateField()
    week = models.DateField()
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.CharField(max_length=16)
    region_code = models.CharField(max_length=6)
    school_id = models.IntegerField(null=True, blank=True)
    lessons = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    receptions = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    interacted = models.PositiveIntegerField(default=0)
    heads = models.PositiveIntegerField(default=0)
    roster = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator day")
        verbose_name_plural = _("indicator days")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key", "day"], name="indicator_day_unique"),
        ]
        indexes = [
            models.Index(fields=["dimension", "region_code", "day"], name="indicator_region_day"),
            models.Index(fields=["dimension", "school_id", "day"], name="indicator_school_day"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key} {self.day}"


class WarningDigest(models.Model):
    """That a school was sent the early-warning digest of a week: the weekly job claims the row before it
    notifies, so a retried or doubled run never sends a school the same week twice."""

    week = models.DateField()
    school = models.ForeignKey("org.School", related_name="+", on_delete=models.CASCADE)
    warnings = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warning digest")
        verbose_name_plural = _("warning digests")
        constraints = [models.UniqueConstraint(fields=["week", "school"], name="warning_digest_once_a_week")]

    def __str__(self) -> str:
        return f"{self.week} {self.school_id}"


class ReportJob(BackgroundJob):
    """A term report of a region or a school, made in the background (a province's takes a while) and
    kept for download: the xlsx and the PDF are written under ``VAR_DIR/reports/<id>/`` (not public media:
    they name teachers) and served by the job's page to whoever may see the job."""

    PHASE_TEXTS = {
        "queued": _("Waiting for the background worker…"),
        "figures": _("Adding up the indicators…"),
        "xlsx": _("Writing the spreadsheet…"),
        "pdf": _("Writing the PDF…"),
    }
    PROGRESS_TEXT = _("%(done)s of %(total)s steps done")

    region = models.ForeignKey(
        "org.Region", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    place_school = models.ForeignKey(
        "org.School", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    date = models.DateField(_("week of"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    xlsx_name = models.CharField(max_length=200, blank=True)
    pdf_name = models.CharField(max_length=200, blank=True)
    pdf_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("term report")
        verbose_name_plural = _("term reports")

    def __str__(self) -> str:
        return self.title or f"report {self.pk}"


class RollupPeer(models.Model):
    """A lower deployment (a county's installation) allowed to send its indicator sums to this one.

    Only a hash of its key is kept (``make_password``); ``key_prefix`` finds the row without scanning. The
    region it reports for must lie under this deployment's own region.
    """

    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=6)
    key_prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporting deployment")
        verbose_name_plural = _("reporting deployments")

    def __str__(self) -> str:
        return f"{self.name} ({self.region_code})"


class ReceivedIndicatorDay(models.Model):
    """The counts of one day of one region or school as a lower deployment reported them (no personal data).

    Upserted by (peer, dimension, code, day): a resent batch replaces the same values, so it changes nothing.
    """

    peer = models.ForeignKey(RollupPeer, related_name="days", on_delete=models.CASCADE)
    day = models.DateField()
    dimension = models.CharField(max_length=16)
    code = models.CharField(max_length=10)
    region_code = models.CharField(max_length=6)
    lessons = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    receptions = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    interacted = models.PositiveIntegerField(default=0)
    heads = models.PositiveIntegerField(default=0)
    roster = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("received indicator day")
        verbose_name_plural = _("received indicator days")
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "dimension", "code", "day"], name="received_indicator_day_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.peer_id} {self.dimension} {self.code} {self.day}"


class RollupWatermark(models.Model):
    """The last day the upper deployment acknowledged holding (one row): the sender resumes after it."""

    target = models.CharField(max_length=300, unique=True)
    last_day = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("roll-up watermark")
        verbose_name_plural = _("roll-up watermarks")

    def __str__(self) -> str:
        return f"{self.target} {self.last_day}"

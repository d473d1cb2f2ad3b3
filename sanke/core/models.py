"""Shared kernel models: timestamps for every domain model, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from sanke.core.scoping import VIEW, ScopedQuerySet


class ChoiceLabels(models.Model):
    """``get_<field>_display`` without hashing every label: Django builds a dict of a field's choices each
    call, and hashing a lazy label translates it, so a week grid's ~150 weekday and status labels cost
    ~2,000 translations. A scan compares the stored values instead and translates one label."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        for key, label in field.flatchoices:
            if key == value:
                return force_str(label, strings_only=True)
        return force_str(value, strings_only=True)


class TimeStampedModel(ChoiceLabels):
    """Base for domain models: when a row was created and last changed (stored in UTC)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(ScopedQuerySet):
    """Bureau admins see events of their region subtree; school admins those of their schools. Nobody
    changes the audit log."""

    def scope_q(self, scope, user, action):
        return scope.audit_q() if action == VIEW else None


class AuditEvent(models.Model):
    """One audited fact: who did what to which object, when and from which address.

    Rows are written by actions inside the same transaction as the change they describe, so a change
    and its audit row are committed (or rolled back) together. ``region_code`` and ``school`` place the
    event in the organisation so that bureau admins see only their own subtree.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True, db_index=True)
    school = models.ForeignKey(
        "org.School", verbose_name=_("school"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target_repr}"


class AttemptCounter(models.Model):
    """How many attempts one key (a client address, an account) has used in the current window.

    Rate limits live in the database, not in a process's memory, so every server process counts against
    the same limit; ``sanke.core.throttle`` changes a row only with conditional ``UPDATE``s, so parallel
    requests can never push the count past the limit.
    """

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attempt counter")
        verbose_name_plural = _("attempt counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class JobStatus(models.TextChoices):
    """The states of every background job (``sanke.core.jobs``); kinds may relabel them."""

    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobQuerySet(ScopedQuerySet):
    """The submitter sees their own jobs; admins see the jobs placed in what they manage (placed like an
    audit row, by ``region_code`` and ``school``). Nobody changes a job from a page: only the worker does.
    Kinds whose readers are others (those who may schedule an alliance) override ``scope_q``."""

    def scope_q(self, scope, user, action):
        if action != VIEW:
            return None
        own = models.Q(submitted_by=user) if getattr(user, "pk", None) else None
        managed = scope.audit_q()
        if own is None:
            return managed
        return own if managed is None else own | managed


class BackgroundJob(models.Model):
    """What every background job keeps: who asked, where it is placed, its progress and its outcome.

    Long work (an import of 10,000 rows, the co-scheduling of a county) runs in the Celery worker, never
    inside a request; the page polls the job's status (``sanke.core.jobs.job_status``) and shows the
    result from the row once the job has finished, so a user can leave and come back. ``rows_done`` of
    ``rows_total`` counts the units of work of the current phase (rows of a file, series of a region).
    ``language``, ``ip_address`` and ``user_agent`` are the submitter's, for the messages and the audit
    rows the worker writes. Each kind is a concrete subclass with its own table and result fields.
    """

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    phase = models.CharField(max_length=16, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # why the job as a whole failed
    language = models.CharField(max_length=16, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    region_code = models.CharField(max_length=6, blank=True, db_index=True)
    school = models.ForeignKey(
        "org.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # when a worker last said it works on the job (claim, progress), or when the sweep last sent it again:
    # a job quiet for too long has lost its worker or its message (``sanke.core.jobs.sweep_lost_jobs``)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    # The progress card's words (``core/job_progress.html``): a text per phase ("queued" while it waits)
    # and the count, with %(done)s and %(total)s.
    PHASE_TEXTS: dict = {}
    PROGRESS_TEXT = _("%(done)s of %(total)s done")

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def seconds_left(self) -> int | None:
        """About how long the job still takes: the current phase's rate so far applied to what is left.
        Kinds whose phases do not count (a solver's time limit) override it."""
        if self.status != JobStatus.RUNNING or not (self.started_at and self.rows_total and self.rows_done):
            return None
        elapsed = (timezone.now() - self.started_at).total_seconds()
        rate = self.rows_done / elapsed if elapsed > 0 else 0
        return round((self.rows_total - self.rows_done) / rate) if rate > 0 else None


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Nothing imported")


class ImportJob(BackgroundJob):
    """One uploaded file imported in the background (a Celery task), with its progress and its result.

    Imports of thousands of rows take longer than a web request may; the upload is stored under
    ``VAR_DIR/imports`` (private), the page follows the job's progress, and the result (created rows,
    or every row error) stays here after the file is deleted. A job is marked done inside the import's
    write transaction, so a job run again after its worker died never writes twice.
    """

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    kind = models.CharField(_("what"), max_length=32)
    audit_action = models.CharField(max_length=64)
    file_name = models.CharField(_("file"), max_length=255)
    stored_file = models.CharField(max_length=64, blank=True)  # name under VAR_DIR/imports; "" once removed
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.QUEUED,
        db_index=True,
    )
    phase = models.CharField(max_length=16, blank=True)  # reading, checking, writing
    created = models.PositiveIntegerField(_("rows imported"), default=0)
    errors = models.JSONField(default=list, blank=True)  # [{row, column, value, message}, …]
    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.SET_NULL)

    PHASE_TEXTS = {
        "queued": _("Waiting for the background worker…"),
        "reading": _("Reading the file…"),
        "checking": _("Checking every row…"),
        "writing": _("Saving…"),
    }
    PROGRESS_TEXT = _("%(done)s of %(total)s rows checked")

    class Meta(BackgroundJob.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

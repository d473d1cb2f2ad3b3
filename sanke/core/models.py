"""Shared kernel models: timestamps for every domain model, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core.scoping import VIEW, ScopedQuerySet


class TimeStampedModel(models.Model):
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

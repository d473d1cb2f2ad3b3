"""In-app notices to schools ("the English lesson on Tuesday moved to period 3")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core.scoping import ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    """Notices of the schools where the user works (staff roles). Nobody edits a notice once sent."""

    change_rule = "none"

    def for_user(self, user) -> NotificationQuerySet:
        return self.visible_to(user)


class Notification(models.Model):
    """An in-app message to a school; its staff see it on their home page."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    school = models.ForeignKey(
        "org.School", verbose_name=_("school"), related_name="notifications", on_delete=models.CASCADE
    )
    message = models.CharField(_("message"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    read_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("read by"), blank=True, related_name="+"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message

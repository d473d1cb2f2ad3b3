"""School alliances (联校): a host school teaching its receiving schools and teaching points for a term."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core.models import TimeStampedModel
from sanke.core.params import EARLIEST_DATE, LATEST_DATE
from sanke.core.scoping import VIEW, ScopedQuerySet

# An alliance runs for a term, at most a school year: its series become lessons on every day in between.
MAX_ALLIANCE_DAYS = 366


class AllianceKind(models.TextChoices):
    DELIVERY = "delivery", _("Delivery classroom")
    MASTER_TEACHER = "master_teacher", _("Master-teacher classroom")
    ONLINE_SCHOOL = "online_school", _("Online school classroom")


class AllianceQuerySet(ScopedQuerySet):
    """An alliance is visible to whoever sees its host school or any of its receiving schools. It is
    changed by the bureau that owns it, the host school's admins and its coordinator."""

    distinct_rows = True

    def scope_q(self, scope, user, action):
        if action == VIEW:
            host = scope.school_q("host_school__")
            members = scope.school_q("members__school__")
            return host | members if host is not None else None
        parts = [q for q in (scope.manage_region_q("region__"), scope.manage_q("host_school__")) if q]
        if user.is_authenticated:
            parts.append(models.Q(coordinator=user))
        return reduce(or_, parts) if parts else None


class Alliance(TimeStampedModel):
    """A 1+1 or 1+N alliance of one type for one term, owned by the bureau of ``region``."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("type"), max_length=32, choices=AllianceKind.choices, default=AllianceKind.DELIVERY
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), related_name="alliances", on_delete=models.PROTECT
    )
    host_school = models.ForeignKey(
        "org.School", verbose_name=_("host school"), related_name="hosted_alliances", on_delete=models.PROTECT
    )
    term_name = models.CharField(_("term"), max_length=64, help_text=_("e.g. 2026–2027 学年第一学期"))
    term_start = models.DateField(_("first day"))
    term_end = models.DateField(_("last day"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        related_name="coordinated_alliances",
        on_delete=models.SET_NULL,
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        ordering = ["-term_start", "name"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    def __str__(self) -> str:
        return self.name

    @property
    def structure(self) -> str:
        count = self.members.count()
        return "1+1" if count == 1 else f"1+{count}" if count else "1+0"

    def receiving_schools(self):
        from sanke.org.models import School

        return School.objects.filter(alliance_memberships__alliance=self).order_by("code")

    def clean(self) -> None:
        """The term lies in a real school year: a typo such as 2999-12-31 would otherwise turn each weekly
        series into thousands of lessons when it is accepted."""
        errors = {}
        for name in ("term_start", "term_end"):
            value = getattr(self, name)
            if value and not EARLIEST_DATE <= value <= LATEST_DATE:
                errors[name] = _("Enter a date between 2000 and 2100.")
        if errors:
            raise ValidationError(errors)
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The last day is before the first day.")})
        if self.term_start and self.term_end and (self.term_end - self.term_start).days >= MAX_ALLIANCE_DAYS:
            raise ValidationError(
                {"term_end": _("An alliance's term lasts at most one school year; check the last day.")}
            )
        if (
            self.host_school_id
            and self.region_id
            and not self.host_school.region.code.startswith(self.region.prefix)
        ):
            raise ValidationError({"host_school": _("The host school must be in the alliance's region.")})

    def audit_placement(self):
        return self.region.code, self.host_school


class AllianceMember(TimeStampedModel):
    """A receiving school or teaching point of an alliance."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), related_name="members", on_delete=models.CASCADE
    )
    school = models.ForeignKey(
        "org.School",
        verbose_name=_("receiving school"),
        related_name="alliance_memberships",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        constraints = [models.UniqueConstraint(fields=["alliance", "school"], name="alliance_member_unique")]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.school}"

    def clean(self) -> None:
        if self.school_id and self.alliance_id and self.school_id == self.alliance.host_school_id:
            raise ValidationError({"school": _("The host school cannot also be a receiving school.")})

    def audit_placement(self):
        return self.alliance.audit_placement()

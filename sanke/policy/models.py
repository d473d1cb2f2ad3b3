"""Programme policy targets per region, inherited down the region tree."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core.models import TimeStampedModel
from sanke.core.scoping import VIEW, ScopedQuerySet

# The targets a policy holds, in display order. Later issues read them through selectors.
POLICY_FIELDS = (
    "weekly_sync_lessons_per_end",
    "online_lessons_province_level",
    "online_lessons_city_level",
    "online_lessons_county_level",
    "workload_coefficient",
    "screen_time_limit_minutes",
)


# What a bureau clerk is told when a target lies outside what the programme can mean.
TERM_LESSONS_MESSAGE = _("Enter 0 to 200 lessons a term.")
COEFFICIENT_MESSAGE = _("Enter a coefficient from 0.1 to 10, e.g. 1.5 (one online lesson counts as 1.5).")
SCREEN_TIME_MESSAGE = _("Enter 1 to 120 minutes.")


class PolicyQuerySet(ScopedQuerySet):
    """Targets are public inside the regions a user sees (the national baseline to every staff role);
    a region's targets are changed by the bureau admins of that region's subtree."""

    def scope_q(self, scope, user, action):
        if action == VIEW:
            regions = scope.region_q("region__")
            baseline = models.Q(region__isnull=True) if scope.is_staff_role else None
            parts = [q for q in (regions, baseline) if q is not None]
            return parts[0] | parts[1] if len(parts) == 2 else (parts[0] if parts else None)
        return scope.manage_region_q("region__")


class Policy(TimeStampedModel):
    """A region's programme targets. An empty field inherits from the parent region.

    The row with no region is the national baseline that every region inherits from; it is created by
    a data migration with the programme's published defaults (5 sync lessons a week per end; 15/10/5
    online lessons per term by honour level; 1 online lesson = 1.5 offline; 20 minutes of continuous
    screen time) and bureau staff change it as data, never in code.
    """

    region = models.OneToOneField(
        "org.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        related_name="policy",
        on_delete=models.CASCADE,
    )
    weekly_sync_lessons_per_end = models.PositiveSmallIntegerField(
        _("sync lessons per week per end"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(40, message=_("Enter 0 to 40 lessons a week."))],
        help_text=_("Delivery-classroom lessons each host and each receiving end should have every week."),
    )
    online_lessons_province_level = models.PositiveSmallIntegerField(
        _("online lessons per term, province-level master teacher"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200, message=TERM_LESSONS_MESSAGE)],
    )
    online_lessons_city_level = models.PositiveSmallIntegerField(
        _("online lessons per term, city-level master teacher"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200, message=TERM_LESSONS_MESSAGE)],
    )
    online_lessons_county_level = models.PositiveSmallIntegerField(
        _("online lessons per term, county-level master teacher"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200, message=TERM_LESSONS_MESSAGE)],
    )
    workload_coefficient = models.DecimalField(
        _("workload coefficient of an online lesson"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        # 0 would make online lessons count for nothing in a teacher's workload
        validators=[
            MinValueValidator(Decimal("0.1"), message=COEFFICIENT_MESSAGE),
            MaxValueValidator(10, message=COEFFICIENT_MESSAGE),
        ],
        help_text=_("How many offline lessons one online lesson counts as in a teacher's workload."),
    )
    screen_time_limit_minutes = models.PositiveSmallIntegerField(
        _("continuous screen-time limit (minutes)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, message=SCREEN_TIME_MESSAGE),
            MaxValueValidator(120, message=SCREEN_TIME_MESSAGE),
        ],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(region__isnull=True),
                name="policy_single_national_baseline",
            )
        ]

    def __str__(self) -> str:
        return str(self.region) if self.region_id else str(_("National baseline"))

    def audit_placement(self):
        return (self.region.code, None) if self.region_id else ("", None)

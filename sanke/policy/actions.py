"""Changing a region's policy targets."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from sanke.core.audit import record_audit
from sanke.policy.models import Policy


def do_set_policy(policy: Policy, *, acting_user, changes: dict | None = None) -> Policy:
    """Save a region's overrides (empty fields inherit from the parent) and audit the change."""
    with transaction.atomic():
        policy.updated_by = acting_user if getattr(acting_user, "pk", None) else None
        policy.full_clean()
        policy.save()
        # The action kept the name it was first audited under, so older audit rows and newer ones match.
        record_audit(acting_user, "supervision.policy.updated", policy, changes=changes)
    return policy


# The programme's published defaults, as the national baseline's data migration first wrote them.
NATIONAL_BASELINE = {
    "weekly_sync_lessons_per_end": 5,
    "online_lessons_province_level": 15,
    "online_lessons_city_level": 10,
    "online_lessons_county_level": 5,
    "workload_coefficient": Decimal("1.5"),
    "screen_time_limit_minutes": 20,
}


def do_ensure_national_baseline() -> Policy:
    """Create the national baseline if it is missing (a flushed test database has none)."""
    policy, _created = Policy.objects.get_or_create(region=None, defaults=NATIONAL_BASELINE)
    return policy

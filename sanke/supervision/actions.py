"""Changing a region's policy targets."""

from __future__ import annotations

from django.db import transaction

from sanke.core.audit import record_audit
from sanke.supervision.models import Policy


def do_set_policy(policy: Policy, *, acting_user, changes: dict | None = None) -> Policy:
    """Save a region's overrides (empty fields inherit from the parent) and audit the change."""
    with transaction.atomic():
        policy.updated_by = acting_user if getattr(acting_user, "pk", None) else None
        policy.full_clean()
        policy.save()
        record_audit(acting_user, "supervision.policy.updated", policy, changes=changes)
    return policy

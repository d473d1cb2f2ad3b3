"""Writing the audit log. Called by actions, never by views."""

from __future__ import annotations

from typing import Any

from django.db import models

from sanke.core.middleware import RequestContext, current_request_context
from sanke.core.models import AuditEvent


def _placement(target: models.Model | None) -> tuple[str, Any]:
    """Where an object sits in the organisation: (region code, school) for scoping audit rows."""
    if target is None:
        return "", None
    placement = getattr(target, "audit_placement", None)
    if callable(placement):
        return placement()
    return "", None


def record_audit(
    actor,
    action: str,
    target: models.Model | None = None,
    *,
    changes: dict | None = None,
    region_code: str | None = None,
    school=None,
    context: RequestContext | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one audit row. ``target.audit_placement()`` places it unless region/school are given."""
    context = context or current_request_context()
    placed_region, placed_school = _placement(target)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_username=actor_username or (actor_obj.get_username() if actor_obj else ""),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        changes=changes or {},
        ip_address=context.ip_address if context else None,
        user_agent=context.user_agent if context else "",
        region_code=region_code if region_code is not None else placed_region,
        school=school if school is not None else placed_school,
    )


def form_changes(form) -> dict:
    """The changed fields of a bound ModelForm as {field: new value} for the audit row (secrets masked)."""
    changes = {}
    for name in form.changed_data:
        value = form.cleaned_data.get(name)
        if name in {"national_id", "phone", "password", "password1", "password2"}:
            value = "***"
        elif isinstance(value, models.Model):
            value = str(value)
        elif hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict):
            value = [str(item) for item in value]
        elif value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        changes[name] = value
    return changes

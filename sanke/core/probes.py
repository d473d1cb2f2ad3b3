"""Unique values (ID card numbers, usernames) checked without becoming an oracle across tenants.

A value that must be unique platform-wide tells whoever types it whether it is taken. Inside the
actor's own reach that is only helpful (they can see the other record anyway). Outside it, "another
person already has this ID card number" would confirm to an admin of county B that a child of county A
exists, so such a clash gets a neutral message, an audit row placed at the bureau that owns the record
(its admins see that someone tried), and counts against a per-actor limit. Every check of a new value
reserves an attempt before the answer is known (``core.throttle``), so parallel submissions cannot pass
the limit; answers that reveal nothing give the attempt back. Once the limit is used up, every new
value is refused, taken or not, since letting free values through would still answer the question.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.core import throttle
from sanke.core.audit import record_audit

PROBE_LIMIT = 10
PROBE_WINDOW = dt.timedelta(hours=1)

TOO_MANY = _(
    "Too many ID card numbers or usernames were refused. Wait an hour, or ask a higher-level administrator."
)


def probe_key(actor) -> str:
    return f"identity-probe:{actor.pk}"


def check_unique_value(
    actor,
    *,
    holder: models.Model | None,
    visible: bool,
    taken_message,
    neutral_message,
    audit_action: str,
    audit_changes: dict | None = None,
    placement: tuple[str, object] | None = None,
) -> None:
    """Raise the ``ValidationError`` the actor may see for a value held by ``holder`` (None: free).

    ``visible``: whether ``holder`` lies inside what the actor may see (then ``taken_message``, the
    helpful one). ``placement`` is the holder's (region code, school) when the holder has no
    ``audit_placement`` of its own. Called from form validation, outside the save's transaction, so the
    audit row stays when the save is refused.
    """
    if actor is None or not getattr(actor, "pk", None):
        if holder is not None:
            raise ValidationError(taken_message)
        return
    key = probe_key(actor)
    if not throttle.reserve(key, limit=PROBE_LIMIT, window=PROBE_WINDOW):
        raise ValidationError(TOO_MANY)
    if holder is None or visible:
        throttle.release(key)
        if holder is not None:
            raise ValidationError(taken_message)
        return
    region_code, school = placement if placement is not None else (None, None)
    record_audit(
        actor, audit_action, holder, changes=audit_changes or {}, region_code=region_code, school=school
    )
    raise ValidationError(neutral_message)

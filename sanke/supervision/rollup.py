"""The upper side of the indicator roll-up between deployments: keys for lower deployments and the upsert
of the batches they send (format in ``docs/rollup.md``, decision 0018). Only region and school counts."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from sanke.supervision.models import ReceivedIndicatorDay, RollupPeer

COUNTS = (
    "lessons",
    "held",
    "cancelled",
    "missed",
    "moved",
    "receptions",
    "reached",
    "interacted",
    "heads",
    "roster",
)
MAX_ROWS = 5000
MAX_DAYS = 31


class BatchRefused(ValueError):
    """A batch that is stored not at all, with a short machine-readable code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def division_prefix(code: str) -> str:
    """The digits a division code shares with every code under it (GB/T 2260): a province's first two
    (330000 → 33), a city's first four (330100 → 3301), a county's six (640510 → 640510, not 64051)."""
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


@dataclass(frozen=True)
class BatchStored:
    stored: int
    days: int
    last_day: dt.date | None


def do_issue_rollup_key(*, name: str, region_code: str, own_region_code: str) -> tuple[RollupPeer, str]:
    """Register a lower deployment and return it with its plain key, which is never stored nor shown again."""
    if not region_code.startswith(division_prefix(own_region_code)):
        raise BatchRefused("outside_region", "the region is not under this deployment's region")
    prefix = secrets.token_hex(6)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    peer = RollupPeer.objects.create(
        name=name, region_code=region_code, key_prefix=prefix, key_hash=make_password(key)
    )
    return peer, key


def do_revoke_rollup_key(peer: RollupPeer) -> None:
    """Refuse this deployment's key from now on (its received figures stay)."""
    RollupPeer.objects.filter(pk=peer.pk, revoked_at=None).update(revoked_at=timezone.now())


def peer_for_key(key: str) -> RollupPeer | None:
    """The live peer a bearer key belongs to, or None (unknown, malformed or revoked look the same)."""
    prefix = key.split(".", 1)[0]
    peer = RollupPeer.objects.filter(key_prefix=prefix, revoked_at=None).first()
    if peer is None or not check_password(key, peer.key_hash):
        return None
    return peer


def _count(row: dict[str, Any], name: str) -> int:
    value = row.get(name, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BatchRefused("bad_row", f"{name} must be a non-negative integer")
    return value


def do_receive_rollup_batch(peer: RollupPeer, payload: Any) -> BatchStored:
    """Validate a whole batch, then upsert its rows in one transaction: all or nothing."""
    if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
        raise BatchRefused("bad_shape", "expected an object with a list of rows")
    rows = payload["rows"]
    if len(rows) > MAX_ROWS:
        raise BatchRefused("too_many_rows", f"at most {MAX_ROWS} rows")
    prefix = division_prefix(peer.region_code)
    parsed = []
    for row in rows:
        if not isinstance(row, dict) or row.get("dimension") not in ("region", "school"):
            raise BatchRefused("bad_row", "dimension must be region or school")
        try:
            day = dt.date.fromisoformat(str(row.get("day")))
        except ValueError as error:
            raise BatchRefused("bad_row", "day must be YYYY-MM-DD") from error
        code = str(row.get("code", ""))
        region_code = code if row["dimension"] == "region" else str(row.get("region_code", ""))
        if not (code.isdigit() and region_code.isdigit() and len(region_code) == 6):
            raise BatchRefused("bad_row", "code and region_code must be digits")
        if not region_code.startswith(prefix):
            raise BatchRefused("outside_region", f"{code} is not under {peer.region_code}")
        parsed.append((day, row["dimension"], code, region_code, {n: _count(row, n) for n in COUNTS}))
    days = {p[0] for p in parsed}
    if len(days) > MAX_DAYS:
        raise BatchRefused("too_many_days", f"at most {MAX_DAYS} days")
    with transaction.atomic():
        for day, dimension, code, region_code, counts in parsed:
            ReceivedIndicatorDay.objects.update_or_create(
                peer=peer,
                dimension=dimension,
                code=code,
                day=day,
                defaults={"region_code": region_code, **counts},
            )
        RollupPeer.objects.filter(pk=peer.pk).update(last_received_at=timezone.now())
    last = (
        ReceivedIndicatorDay.objects.filter(peer=peer).order_by("-day").values_list("day", flat=True).first()
    )
    return BatchStored(stored=len(parsed), days=len(days), last_day=last)

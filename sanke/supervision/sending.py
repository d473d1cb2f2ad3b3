"""The lower side of the roll-up: send region and school sums to the upper deployment (decision 0018).

Days after the watermark plus the last ``SANKE_ROLLUP_RESEND_DAYS`` again, in batches of at most 31 days;
a connection error or a refusal leaves the watermark unchanged, so the next run resumes from it.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from sanke.supervision.choices import Dimension
from sanke.supervision.models import IndicatorDay, RollupWatermark
from sanke.supervision.rollup import COUNTS, MAX_DAYS


@dataclass
class SendResult:
    batches: int = 0
    rows: int = 0
    error: str = ""
    last_day: dt.date | None = None


def _rows(days: list[dt.date]) -> list[dict]:
    rows = []
    for day in IndicatorDay.objects.filter(
        day__in=days, dimension__in=[Dimension.REGION, Dimension.SCHOOL]
    ).order_by("day", "dimension", "key"):
        rows.append(
            {
                "day": day.day.isoformat(),
                "dimension": day.dimension,
                "code": day.key,
                "region_code": day.region_code,
                **{name: getattr(day, name) for name in COUNTS},
            }
        )
    return rows


def do_send_rollup(*, url: str = "", key: str = "", timeout: float = 10.0) -> SendResult:
    """Send what the upper deployment lacks; returns what was sent and the error that stopped it, if any."""
    url = url or settings.SANKE_ROLLUP_URL
    key = key or settings.SANKE_ROLLUP_KEY
    result = SendResult()
    if not url or not key:
        result.error = "not configured"
        return result
    mark, _created = RollupWatermark.objects.get_or_create(target=url)
    all_days = sorted(set(IndicatorDay.objects.values_list("day", flat=True)))
    if mark.last_day is not None:
        start = mark.last_day - dt.timedelta(days=settings.SANKE_ROLLUP_RESEND_DAYS)
        all_days = [day for day in all_days if day > start]
    for index in range(0, len(all_days), MAX_DAYS):
        rows = _rows(all_days[index : index + MAX_DAYS])
        request = urllib.request.Request(
            f"{url}/api/v1/rollup/batches/",
            data=json.dumps({"format": 1, "rows": rows}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (configured URL)
                body = json.loads(answer.read())
        except (urllib.error.URLError, OSError, ValueError) as error:
            result.error = str(error)
            return result
        result.batches += 1
        result.rows += body.get("stored", 0)
        if body.get("last_day"):
            result.last_day = dt.date.fromisoformat(body["last_day"])
            RollupWatermark.objects.filter(pk=mark.pk).update(last_day=result.last_day)
    return result

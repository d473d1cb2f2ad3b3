"""A region's policy targets stay within what the programme can mean, and a clerk is told the range.

The stock refusal said only "确保该值小于或等于40。", and a workload coefficient of 0 was accepted, which
makes every online lesson count for nothing in teachers' workloads.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanke.policy.models import POLICY_FIELDS
from sanke.policy.selectors import policy_of

EMPTY = dict.fromkeys(POLICY_FIELDS, "")


def refusal(client, region, field: str, value: str) -> str:
    response = client.post(reverse("policy:policy_edit", args=[region.pk]), {**EMPTY, field: value})
    assert response.status_code == 200, f"{field}={value!r} was saved"
    return " ".join(response.context["form"].errors[field])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("weekly_sync_lessons_per_end", "41", "0–40"),
        ("online_lessons_province_level", "201", "0–200"),
        ("online_lessons_county_level", "99999", "0–200"),
        ("workload_coefficient", "0", "0.1–10"),
        ("workload_coefficient", "10.5", "0.1–10"),
        ("screen_time_limit_minutes", "0", "1–120"),
        ("screen_time_limit_minutes", "121", "1–120"),
    ],
)
def test_a_target_out_of_range_is_refused_with_the_range(world, county_admin, client_for, field, value, says):
    region = world.schools["host"].region
    assert says in refusal(client_for(county_admin), region, field, value)
    assert getattr(policy_of(region), field) is None or str(getattr(policy_of(region), field)) != value

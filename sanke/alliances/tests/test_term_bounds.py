"""An alliance's term lies in a real school year: 1900 to 2999 was accepted, and accepting a weekly
series then planned a lesson for every week of ten centuries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sanke.alliances.models import Alliance
from sanke.alliances.tests.test_alliances import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "field", "says"),
    [
        ("1900-01-01", "2026-12-31", "term_start", "2000"),
        ("2026-09-01", "2999-12-31", "term_end", "2100"),
        ("2026-09-01", "2028-01-22", "term_end", "一个学年"),
    ],
)
def test_an_implausible_alliance_term_is_refused_with_a_message(
    world, county_admin, client_for, start, end, field, says
):
    data = form_data(world, term_start=start, term_end=end)
    response = client_for(county_admin).post(reverse("alliances:create"), data)
    assert response.status_code == 200
    assert says in " ".join(response.context["form"].errors[field])
    assert not Alliance.objects.filter(name=data["name"]).exists()


def test_the_model_refuses_it_too(world):
    alliance = world.schools["host"].hosted_alliances.first()
    alliance.term_end = dt.date(2999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        alliance.full_clean()
    assert "term_end" in refused.value.message_dict

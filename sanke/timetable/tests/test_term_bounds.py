"""Terms are real semesters: plausible dates, at most eight months, no overlap within a school.

The security review typed a term ending 9999-12-31 (accepted; its list page then answered 500 until the
term was edited), a term from 1900 to 2999, and two overlapping terms of one school (both accepted).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sanke.timetable.models import Term


@pytest.fixture
def host(world):
    return world.schools["host"]


def post_term(client, school, **values):
    data = {
        "name": "2027 年春季学期",
        "start": "2027-02-22",
        "end": "2027-07-02",
        "holidays": "",
        "makeup_days": "",
    }
    data.update(values)
    return client.post(reverse("timetable:term_list", args=[school.pk]), data)


def errors_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("2027-02-22", "9999-12-31", "2000"),  # a typo for the year
        ("1900-02-22", "2999-07-02", "2000"),
        ("2027-02-22", "2028-07-02", "8 个月"),  # a whole school year and more is no term
    ],
)
def test_an_implausible_term_is_refused_with_a_chinese_message(
    host, school_admin, client_for, start, end, says
):
    count = Term.objects.filter(school=host).count()
    response = post_term(client_for(school_admin), host, start=start, end=end)
    assert response.status_code == 200
    assert says in errors_of(response)
    assert Term.objects.filter(school=host).count() == count


@pytest.mark.django_db
def test_terms_of_one_school_may_not_overlap(host, school_admin, client_for):
    # the demo's autumn term runs 2026-09-01 … 2027-01-22
    response = post_term(client_for(school_admin), host, start="2027-01-10", end="2027-06-30")
    assert response.status_code == 200
    assert "重叠" in errors_of(response)
    assert not Term.objects.filter(school=host, name="2027 年春季学期").exists()


@pytest.mark.django_db
def test_a_term_stored_with_an_absurd_end_still_shows_on_its_list(host, school_admin, client_for):
    # given a term saved before its dates were checked
    Term.objects.filter(school=host).update(end=dt.date(9999, 12, 31))
    # when
    response = client_for(school_admin).get(reverse("timetable:term_list", args=[host.pk]))
    # then
    assert response.status_code == 200

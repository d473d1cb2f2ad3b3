"""ID card and mobile numbers typed with full-width digits are the numbers they mean.

Python's ``\\d`` matches "１３８" (and Arabic-Indic "٣"), so the validators accepted a mobile number
typed by a Chinese input method as it was, and stored "１３８…" beside the "138…" of the same person:
searches, digests and SMS failed on it. The validators now take ASCII digits only, the forms normalise
what was typed first, and a value that reaches a validator un-normalised is told to use half-width digits.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sanke.accounts.actions import do_create_pairing_code, do_pair_terminal
from sanke.org.choices import PersonKind
from sanke.org.models import Person
from sanke.org.validators import national_id_checksum_ok, validate_mobile, validate_national_id
from sanke.timetable.forms.setup import parse_date

NATIONAL_ID = "33012720150301001X"  # checksum valid


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@pytest.mark.parametrize("digits", [full_width("13800138000"), "١٣٨٠٠١٣٨٠٠٠"])
def test_the_mobile_validator_takes_ascii_digits_only_and_says_so(digits):
    with pytest.raises(ValidationError) as refused:
        validate_mobile(digits)
    assert refused.value.code == "wide_digits"


def test_the_national_id_check_takes_ascii_digits_only():
    assert national_id_checksum_ok(NATIONAL_ID)
    assert not national_id_checksum_ok(full_width(NATIONAL_ID))
    with pytest.raises(ValidationError) as refused:
        validate_national_id(full_width(NATIONAL_ID))
    assert refused.value.code == "wide_digits"


@pytest.mark.django_db
def test_a_person_typed_with_full_width_numbers_is_stored_with_half_width_ones(
    world, county_admin, client_for
):
    school = world.schools["host"]
    response = client_for(county_admin).post(
        reverse("org:person_create", args=[school.pk]),
        {
            "kind": PersonKind.TEACHER,
            "name": "全角老师",
            "gender": "",
            "number": full_width("T9001"),
            "national_id": full_width(NATIONAL_ID.lower()),
            "phone": full_width("13800138000"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(name="全角老师")
    assert (person.national_id, person.phone, person.number) == (NATIONAL_ID, "13800138000", "T9001")


@pytest.mark.django_db
def test_a_pairing_code_typed_full_width_pairs_the_terminal(world, county_admin):
    classroom = world.schools["host"].classrooms.order_by("pk").first()
    code = do_create_pairing_code(classroom, acting_user=county_admin)
    assert do_pair_terminal(full_width(code)) is not None


def test_holiday_dates_typed_full_width_are_read():
    assert parse_date("２０２６－１０－０１") == dt.date(2026, 10, 1)
    assert parse_date("٢٠٢٦-10-01") == dt.date(2026, 10, 1)

"""The people list finds a person by ID card or mobile number through its keyed digest, and by the start
of a name or number: nothing is decrypted to search (a county holds tens of thousands of people)."""

from __future__ import annotations

import pytest

from sanke.core import crypto
from sanke.org.actions import do_save_person
from sanke.org.choices import PersonKind
from sanke.org.models import Person
from sanke.testing.factories import national_id


@pytest.fixture
def pupil(world):
    return do_save_person(
        Person(
            school=world.schools["host"],
            kind=PersonKind.STUDENT,
            name="欧阳小燕",
            number="Q20239999",
            class_group=world.classes["host-31"],
            national_id=national_id(321, birth="20160304"),
            phone="13912345678",
        ),
        acting_user=None,
    )


def _listed(client, q):
    response = client.get("/org/people/", {"q": q})
    assert response.status_code == 200
    return [person.pk for person in response.context["object_list"]]


@pytest.mark.django_db
def test_it_finds_a_person_by_id_card_or_mobile_number_exactly(world, client_for, county_admin, pupil):
    client = client_for(county_admin)
    assert _listed(client, pupil.national_id) == [pupil.pk]
    assert _listed(client, pupil.national_id.lower()) == [pupil.pk]  # a trailing x typed in lower case
    assert _listed(client, "139 1234 5678") == [pupil.pk]
    assert _listed(client, "13912345679") == []


@pytest.mark.django_db
def test_it_finds_people_by_any_part_of_a_name_or_the_start_of_a_number(
    world, client_for, county_admin, pupil
):
    client = client_for(county_admin)
    assert pupil.pk in _listed(client, "欧阳")
    assert pupil.pk in _listed(client, pupil.name[-1])  # by the given name, as clerks search
    assert _listed(client, "Q2023999") == [pupil.pk]


@pytest.mark.django_db
def test_searching_decrypts_only_the_rows_shown(world, client_for, county_admin, pupil, monkeypatch):
    client = client_for(county_admin)
    decrypted = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda value, *a, **k: decrypted.append(1) or real(value, *a, **k))
    assert _listed(client, pupil.national_id) == [pupil.pk]
    assert len(decrypted) <= 2  # the one row shown: its ID card and mobile

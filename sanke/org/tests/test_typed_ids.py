"""What a clerk types is compared as what it means, refused with a message that says what to do.

The security review found full-width digits accepted beside their ASCII twins (a school id
"２１３３０１２７０１" beside "2133012701", a class "(１)班" beside "(1)班"), a classroom of 99,999,999,999
seats, and a duplicate staff number reported as Django's constraint name
(约束 "person_number_unique_per_school" 是无效的).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanke.org.choices import PersonKind
from sanke.org.models import ClassGroup, Classroom, Person, School


def form_errors(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    form = response.context["form"]
    return " ".join(str(m) for messages in form.errors.values() for m in messages)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isdigit() else c for c in text)


@pytest.mark.django_db
def test_a_school_id_in_full_width_digits_is_the_same_school_id(world, county_admin, client_for):
    host = world.schools["host"]
    response = client_for(county_admin).post(
        reverse("org:school_create"),
        {"code": full_width(host.code), "name": "另一所学校", "kind": host.kind, "region": host.region_id},
    )
    assert "已有学校使用该学校标识码" in form_errors(response)
    assert School.objects.filter(name="另一所学校").count() == 0


@pytest.mark.django_db
def test_a_new_school_id_typed_full_width_is_stored_in_ascii(world, county_admin, client_for):
    host = world.schools["host"]
    client_for(county_admin).post(
        reverse("org:school_create"),
        {"code": full_width("2133012799"), "name": "新学校", "kind": host.kind, "region": host.region_id},
    )
    assert School.objects.get(name="新学校").code == "2133012799"


@pytest.mark.django_db
def test_a_class_name_in_full_width_is_the_same_class(world, school_admin, client_for):
    host = world.schools["host"]
    grade = world.classes["host-31"].grade
    response = client_for(school_admin).post(
        reverse("org:class_create", args=[host.pk]), {"grade": grade.pk, "name": "(１)班"}
    )
    errors = form_errors(response)
    assert "该年级已有同名班级" in errors and "已经存在" not in errors
    assert ClassGroup.objects.filter(grade=grade).count() == 2


@pytest.mark.django_db
def test_a_duplicate_staff_number_says_what_to_do_not_the_constraint_name(world, school_admin, client_for):
    host = world.schools["host"]
    response = client_for(school_admin).post(
        reverse("org:person_create", args=[host.pk]),
        {"kind": PersonKind.TEACHER, "name": "新老师", "number": full_width("T0003")},
    )
    errors = form_errors(response)
    assert "工号" in errors and "person_number_unique_per_school" not in errors
    assert not Person.objects.filter(name="新老师").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("seats", ["99999999999", "0", "501"])
def test_a_classroom_has_a_sane_number_of_seats(world, school_admin, client_for, seats):
    host = world.schools["host"]
    response = client_for(school_admin).post(
        reverse("org:classroom_create", args=[host.pk]), {"name": "新教室", "capacity": seats}
    )
    assert "capacity" in response.context["form"].errors
    assert not Classroom.objects.filter(name="新教室").exists()

"""No oracle across tenants for ID card numbers and usernames, and an audit row for every look at people.

A clash with a record the actor cannot see gets a neutral message, an audit row for the record's own
bureau, and counts against a per-actor limit; inside the actor's reach the helpful message stays.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanke.core.models import AuditEvent
from sanke.core.probes import PROBE_LIMIT
from sanke.core.scoping import scope_for
from sanke.org.actions import do_save_person
from sanke.org.choices import PersonKind
from sanke.org.models import Person
from sanke.testing import factories

pytestmark = pytest.mark.django_db


def _person_form(**values):
    return {"kind": PersonKind.STUDENT, "name": "王小明", "gender": "", "number": "", **values}


def _give_id(person, serial: int) -> str:
    number = factories.national_id(serial, birth="20150301")
    person.national_id = number
    do_save_person(person, acting_user=None)
    return number


def _errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


def test_an_id_number_of_another_county_is_refused_without_saying_so(world, outsider, client_for):
    # given a student of 淳安县 with an ID card number
    taken = _give_id(world.people["student1"], 501)
    before = Person.objects.count()
    # when 建德市's admin enters that number for a new person of their own school
    client = client_for(outsider)
    url = reverse("org:person_create", args=[world.schools["other"].pk])
    response = client.post(url, _person_form(national_id=taken))
    # then the form refuses it with words that do not say another person has it
    assert response.status_code == 200 and Person.objects.count() == before
    message = _errors(response)
    assert "无法使用该身份证号" in message
    assert "已有其他人员" not in message and "其他人员" not in response.content.decode()
    # and 淳安县's admins find the attempt in their audit log, 建德市's admin does not
    event = AuditEvent.objects.get(action="org.person.national_id_refused")
    assert event.actor == outsider and event.school == world.schools["longjing"]
    assert AuditEvent.objects.visible_to(world.users["county_admin"]).filter(pk=event.pk).exists()
    assert not AuditEvent.objects.visible_to(outsider).filter(pk=event.pk).exists()
    assert taken not in str(event.changes)
    # while inside 淳安县, where the other person is in sight anyway, the helpful message stays
    url = reverse("org:person_create", args=[world.schools["host"].pk])
    response = client_for(world.users["county_admin"]).post(url, _person_form(national_id=taken))
    assert "已有其他人员使用该身份证号" in _errors(response)
    assert AuditEvent.objects.filter(action="org.person.national_id_refused").count() == 1


def test_probing_id_numbers_is_rate_limited_per_admin(world, outsider, client_for):
    # given 建德市's admin who has had PROBE_LIMIT numbers of 淳安县 refused
    client = client_for(outsider)
    url = reverse("org:person_create", args=[world.schools["other"].pk])
    people = [p for p in Person.objects.filter(school__region__code="330127")[: PROBE_LIMIT + 1]]
    taken = [_give_id(person, 600 + n) for n, person in enumerate(people)]
    for number in taken[:PROBE_LIMIT]:
        assert "无法使用该身份证号" in _errors(client.post(url, _person_form(national_id=number)))
    # when they try one more taken number, and then a number nobody has
    more = client.post(url, _person_form(national_id=taken[PROBE_LIMIT]))
    free = client.post(url, _person_form(national_id=factories.national_id(699, birth="20150301")))
    # then both get the same "too many" answer (a free number passing would still answer the question)
    assert "次数过多" in _errors(more) and _errors(more) == _errors(free)
    assert AuditEvent.objects.filter(action="org.person.national_id_refused").count() == PROBE_LIMIT
    # and another admin is not held up by it
    own = client_for(world.users["county_admin"]).post(
        reverse("org:person_create", args=[world.schools["host"].pk]),
        _person_form(national_id=factories.national_id(698, birth="20150301")),
    )
    assert own.status_code == 302


def test_a_username_of_another_county_is_refused_without_saying_so(world, outsider, client_for):
    # given 淳安县's teacher "teacher", and 建德市's admin opening a login for their own teacher
    person = do_save_person(
        Person(school=world.schools["other"], kind=PersonKind.TEACHER, name="钱老师"), acting_user=None
    )
    url = reverse("accounts:person_account", args=[person.pk])
    client = client_for(outsider)
    response = client.post(
        url, {"username": "teacher", "password1": "Good#Pass12", "password2": "Good#Pass12"}
    )
    assert response.status_code == 200
    message = _errors(response)
    assert "无法使用该用户名" in message and "已被使用" not in message
    event = AuditEvent.objects.get(action="accounts.user.username_refused")
    assert event.school == world.schools["host"] and event.actor == outsider
    assert AuditEvent.objects.visible_to(world.users["county_admin"]).filter(pk=event.pk).exists()
    # the new-account form answers the same way
    response = client.post(
        reverse("accounts:account_create"),
        {
            "username": "teacher",
            "display_name": "x",
            "password1": "Good#Pass12",
            "password2": "Good#Pass12",
            "role": "researcher",
            "region": world.regions["330182"].pk,
        },
    )
    assert "无法使用该用户名" in _errors(response)
    # inside the county the admin is told plainly that the name is taken
    response = client_for(world.users["county_admin"]).post(
        reverse("accounts:person_account", args=[world.people["music"].pk]),
        {"username": "teacher", "password1": "Good#Pass12", "password2": "Good#Pass12"},
    )
    assert "该用户名已被使用" in _errors(response)


def test_every_look_at_a_roster_or_a_person_is_audited(world, county_admin, client_for):
    client = client_for(county_admin)
    client.defaults["REMOTE_ADDR"] = "10.1.2.3"
    class_group = world.classes["longjing-3"]
    student = world.people["student1"]
    assert client.get(reverse("org:class_detail", args=[class_group.pk])).status_code == 200
    assert client.get(reverse("org:person_detail", args=[student.pk])).status_code == 200
    assert client.get(reverse("org:person_list"), {"kind": PersonKind.STUDENT}).status_code == 200
    assert client.get(f"/api/v1/people/{student.pk}/").status_code == 200
    assert client.get("/api/v1/people/", {"class_group": class_group.pk}).status_code == 200
    events = AuditEvent.objects.filter(action__startswith="org.personal_data.", actor=county_admin)
    seen = {(e.action, e.target_id, e.changes.get("via")) for e in events}
    assert ("org.personal_data.roster_viewed", str(class_group.pk), "page") in seen
    assert ("org.personal_data.person_viewed", str(student.pk), "page") in seen
    assert ("org.personal_data.person_viewed", str(student.pk), "api") in seen
    listed = [e for e in events if e.action == "org.personal_data.people_listed"]
    assert {e.changes["via"] for e in listed} == {"page", "api"}
    assert all(e.changes["count"] > 0 for e in listed)
    api_list = next(e for e in listed if e.changes["via"] == "api")
    assert api_list.school == world.schools["longjing"]  # one class: placed at its school
    assert all(e.ip_address == "10.1.2.3" for e in events)
    assert events.count() == 5  # one row per request
    # the county's admins see these rows
    assert set(AuditEvent.objects.visible_to(county_admin).filter(pk__in=events)) == set(events)
    assert scope_for(county_admin).is_bureau_admin

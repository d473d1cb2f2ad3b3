"""Alliance pages: a 1+N alliance with its coordinator, who may then schedule; scope and validation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanke.alliances.models import Alliance
from sanke.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def form_data(world, **changes):
    data = {
        "name": "淳安县美术专递课堂",
        "kind": "delivery",
        "region": world.regions["330127"].pk,
        "host_school": world.schools["host"].pk,
        "term_name": "2026–2027 学年第一学期",
        "term_start": "2026-09-01",
        "term_end": "2027-01-22",
        "coordinator": world.users["teacher"].pk,
        "receiving_schools": [world.schools["longjing"].pk, world.schools["xiajiang"].pk],
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_county_admin_creates_a_1_plus_n_alliance_with_a_coordinator(world, county_admin, client_for):
    response = client_for(county_admin).post(reverse("alliances:create"), form_data(world))
    assert response.status_code == 302
    alliance = Alliance.objects.get(name="淳安县美术专递课堂")
    assert alliance.structure == "1+2"
    assert alliance.coordinator == world.users["teacher"]
    assert AuditEvent.objects.filter(action="alliances.alliance.created", target_id=str(alliance.pk)).exists()


def test_the_coordinator_may_schedule_but_not_edit_the_alliance(world, county_admin, client_for):
    client_for(county_admin).post(reverse("alliances:create"), form_data(world))
    alliance = Alliance.objects.get(name="淳安县美术专递课堂")
    from django.test import Client

    coordinator = Client()
    coordinator.force_login(world.users["teacher"])
    page = coordinator.get(reverse("alliances:detail", args=[alliance.pk])).content.decode()
    assert reverse("alliances:series_create", args=[alliance.pk]) in page
    assert coordinator.get(reverse("alliances:series_create", args=[alliance.pk])).status_code == 200
    assert coordinator.get(reverse("alliances:edit", args=[alliance.pk])).status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"term_end": "2026-08-01"}, "term_end"),
        ({"receiving_schools": []}, "receiving_schools"),
    ],
)
def test_bad_alliances_are_refused_with_a_message(world, county_admin, client_for, changes, field):
    response = client_for(county_admin).post(reverse("alliances:create"), form_data(world, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Alliance.objects.filter(name="淳安县美术专递课堂").exists()


def test_the_host_cannot_receive_its_own_lessons(world, county_admin, client_for):
    data = form_data(world, receiving_schools=[world.schools["host"].pk, world.schools["longjing"].pk])
    response = client_for(county_admin).post(reverse("alliances:create"), data)
    assert response.status_code == 200 and "receiving_schools" in response.context["form"].errors


def test_another_countys_admin_cannot_create_alliances_here(world, outsider, client_for):
    response = client_for(outsider).post(reverse("alliances:create"), form_data(world))
    assert response.status_code == 200  # 淳安县 is not among their regions: the form refuses
    assert not Alliance.objects.filter(name="淳安县美术专递课堂").exists()


def test_alliance_lists_are_scoped(world, client_for):
    names = {a.name for a in Alliance.objects.visible_to(world.users["outsider_admin"])}
    assert names == set()
    page = client_for(world.users["school_admin"]).get(reverse("alliances:list")).content.decode()
    assert "千岛湖一小英语专递课堂" in page and "枫树岭中心校教学点联校" not in page


def test_only_staff_accounts_may_coordinate_an_alliance(world, county_admin, client_for):
    # given the county admin's new-alliance form
    client = client_for(county_admin)
    offered = set(client.get(reverse("alliances:create")).context["form"].fields["coordinator"].queryset)
    # then it offers staff, and no student, guardian or classroom terminal
    assert world.users["teacher"] in offered and world.users["school_admin"] in offered
    for name in ("student", "guardian", "terminal_longjing"):
        assert world.users[name] not in offered, name
    # and posting one anyway is refused in Chinese, with nothing saved
    response = client.post(
        reverse("alliances:create"), form_data(world, coordinator=world.users["student"].pk)
    )
    assert response.status_code == 200
    assert "协调人必须是" in response.content.decode()
    assert not Alliance.objects.filter(name="淳安县美术专递课堂").exists()

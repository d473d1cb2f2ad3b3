"""Policy targets are data that a region sets and its children inherit (ARCHITECTURE.md: "Policy is data").

The demo world starts with: the national baseline from the data migration (5; 15/10/5; 1.5; 20 min),
浙江省 setting the workload coefficient (1.5) and the screen-time limit (20), and 淳安县 setting 6 sync
lessons a week per end. 杭州市 and 建德市 set nothing of their own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from sanke.core.models import AuditEvent
from sanke.org.models import Region
from sanke.policy.actions import do_set_policy
from sanke.policy.models import POLICY_FIELDS, Policy
from sanke.policy.selectors import effective_policy, policy_of

pytestmark = pytest.mark.django_db

BASELINE = {
    "weekly_sync_lessons_per_end": 5,
    "online_lessons_province_level": 15,
    "online_lessons_city_level": 10,
    "online_lessons_county_level": 5,
    "workload_coefficient": Decimal("1.5"),
    "screen_time_limit_minutes": 20,
}


def baseline_name() -> str:
    return str(Policy.objects.get(region__isnull=True))


def set_policy(region, **values):
    policy = policy_of(region)
    for name, value in values.items():
        setattr(policy, name, value)
    return do_set_policy(policy, acting_user=None)


def effective(region, name):
    """(value, source) of one target, with sources named in English."""
    with translation.override("en"):
        value = effective_policy(region).values[name]
        return value.value, value.source


def policy_rows():
    return list(Policy.objects.order_by("pk").values_list("pk", "region_id", *POLICY_FIELDS, "updated_at"))


# --- inheritance ----------------------------------------------------------------------------------
def test_the_national_baseline_holds_the_programmes_published_defaults(db):
    # the data migration alone, without the demo world
    baseline = Policy.objects.get(region__isnull=True)
    assert {name: getattr(baseline, name) for name in POLICY_FIELDS} == BASELINE
    with translation.override("en"):
        policy = effective_policy(None)
        assert {name: policy[name] for name in POLICY_FIELDS} == BASELINE
        assert {v.source for v in policy.values.values()} == {"National baseline"}


def test_a_region_that_sets_nothing_gets_the_baseline_and_its_ancestors_values(world):
    jiande = world.regions["330182"]
    with translation.override("en"):
        assert effective(jiande, "weekly_sync_lessons_per_end") == (5, "National baseline")
        assert effective(jiande, "online_lessons_province_level") == (15, "National baseline")
        assert effective(jiande, "online_lessons_city_level") == (10, "National baseline")
        assert effective(jiande, "online_lessons_county_level") == (5, "National baseline")
    assert effective(jiande, "workload_coefficient") == (Decimal("1.5"), "浙江省")
    assert effective(jiande, "screen_time_limit_minutes") == (20, "浙江省")
    assert not any(v.overridden_here for v in effective_policy(jiande).values.values())


def test_a_province_override_is_inherited_by_its_city_and_counties(world):
    # given
    zhejiang = world.regions["330000"]
    # when
    set_policy(zhejiang, online_lessons_city_level=12)
    # then
    for code in ("330000", "330100", "330127", "330182"):
        assert effective(world.regions[code], "online_lessons_city_level") == (12, "浙江省"), code
    assert effective_policy(zhejiang).values["online_lessons_city_level"].overridden_here
    assert not effective_policy(world.regions["330127"]).values["online_lessons_city_level"].overridden_here
    # and the other targets are untouched
    assert effective(world.regions["330182"], "online_lessons_province_level")[0] == 15


def test_a_county_override_wins_for_that_county_only(world):
    # given: the province raises the weekly target; 淳安县 already set its own (6)
    set_policy(world.regions["330000"], weekly_sync_lessons_per_end=7)
    # then
    assert effective(world.regions["330127"], "weekly_sync_lessons_per_end") == (6, "淳安县")
    assert effective_policy(world.regions["330127"]).values["weekly_sync_lessons_per_end"].overridden_here
    assert effective(world.regions["330182"], "weekly_sync_lessons_per_end") == (7, "浙江省")
    assert effective(world.regions["330100"], "weekly_sync_lessons_per_end") == (7, "浙江省")
    assert effective(world.regions["330000"], "weekly_sync_lessons_per_end") == (7, "浙江省")


def test_a_city_override_sits_between_province_and_county(world):
    set_policy(world.regions["330100"], screen_time_limit_minutes=15)
    assert effective(world.regions["330127"], "screen_time_limit_minutes") == (15, "杭州市")
    assert effective(world.regions["330182"], "screen_time_limit_minutes") == (15, "杭州市")
    assert effective(world.regions["330000"], "screen_time_limit_minutes") == (20, "浙江省")


def test_clearing_an_override_falls_back_to_the_parent(world):
    chunan = world.regions["330127"]
    # when: 淳安县 clears its weekly target while 浙江省 sets none
    set_policy(chunan, weekly_sync_lessons_per_end=None)
    # then: the baseline applies
    with translation.override("en"):
        assert effective(chunan, "weekly_sync_lessons_per_end") == (5, "National baseline")
    assert Policy.objects.get(region=chunan).weekly_sync_lessons_per_end is None
    # and once the province sets one, that is what 淳安县 inherits
    set_policy(world.regions["330000"], weekly_sync_lessons_per_end=7)
    assert effective(chunan, "weekly_sync_lessons_per_end") == (7, "浙江省")
    # clearing the province's value too leaves the baseline again
    set_policy(world.regions["330000"], weekly_sync_lessons_per_end=None)
    assert effective(chunan, "weekly_sync_lessons_per_end")[0] == 5


def test_a_region_overriding_the_same_value_as_its_parent_is_still_the_source(world):
    set_policy(world.regions["330127"], screen_time_limit_minutes=20)
    assert effective(world.regions["330127"], "screen_time_limit_minutes") == (20, "淳安县")
    assert effective(world.regions["330182"], "screen_time_limit_minutes") == (20, "浙江省")


def test_changing_the_baseline_reaches_every_region_that_does_not_override(world):
    baseline = Policy.objects.get(region__isnull=True)
    baseline.online_lessons_county_level = 6
    do_set_policy(baseline, acting_user=None)
    for code in ("330000", "330100", "330127", "330182"):
        assert effective(world.regions[code], "online_lessons_county_level")[0] == 6


def test_setting_a_policy_is_audited(world, county_admin):
    policy = policy_of(world.regions["330127"])
    policy.online_lessons_county_level = 4
    do_set_policy(policy, acting_user=county_admin, changes={"online_lessons_county_level": 4})
    event = AuditEvent.objects.get(action="supervision.policy.updated", actor=county_admin)
    assert event.region_code == "330127"
    assert event.changes == {"online_lessons_county_level": 4}
    assert policy.updated_by == county_admin


# --- the edit page --------------------------------------------------------------------------------
def form_data(**values):
    data = {name: "" for name in POLICY_FIELDS}
    data.update({name: str(value) for name, value in values.items()})
    return data


def test_a_county_admin_saves_an_override_on_the_policy_page(world, county_admin, client_for):
    # given
    chunan = world.regions["330127"]
    client = client_for(county_admin)
    page = client.get(reverse("supervision:policy_edit", args=[chunan.pk]))
    assert page.status_code == 200
    # the empty fields show what would be inherited from 杭州市
    placeholder = page.context["form"].fields["screen_time_limit_minutes"].widget.attrs["placeholder"]
    assert placeholder.startswith("20 ") and "浙江省" in placeholder
    # when
    response = client.post(
        reverse("supervision:policy_edit", args=[chunan.pk]),
        form_data(weekly_sync_lessons_per_end=8, workload_coefficient="1.2"),
    )
    # then
    assert response.status_code == 302
    assert response.url == reverse("supervision:policy_list")
    policy = Policy.objects.get(region=chunan)
    assert policy.weekly_sync_lessons_per_end == 8
    assert policy.workload_coefficient == Decimal("1.2")
    assert policy.screen_time_limit_minutes is None
    assert policy.updated_by == county_admin
    assert effective(chunan, "weekly_sync_lessons_per_end") == (8, "淳安县")
    assert effective(chunan, "workload_coefficient") == (Decimal("1.2"), "淳安县")
    assert effective(world.regions["330182"], "workload_coefficient") == (Decimal("1.5"), "浙江省")
    event = AuditEvent.objects.get(action="supervision.policy.updated", actor=county_admin)
    assert event.changes == {"weekly_sync_lessons_per_end": 8, "workload_coefficient": "1.2"}
    assert event.region_code == "330127"
    assert event.ip_address == "127.0.0.1"


def test_emptying_a_field_on_the_page_clears_the_override(world, county_admin, client_for):
    chunan = world.regions["330127"]
    response = client_for(county_admin).post(
        reverse("supervision:policy_edit", args=[chunan.pk]), form_data()
    )
    assert response.status_code == 302
    assert Policy.objects.get(region=chunan).weekly_sync_lessons_per_end is None
    with translation.override("en"):
        assert effective(chunan, "weekly_sync_lessons_per_end") == (5, "National baseline")


def test_a_region_without_a_policy_row_gets_one_when_its_admin_saves(world, outsider, client_for):
    jiande = world.regions["330182"]
    assert not Policy.objects.filter(region=jiande).exists()
    response = client_for(outsider).post(
        reverse("supervision:policy_edit", args=[jiande.pk]), form_data(online_lessons_province_level=18)
    )
    assert response.status_code == 302
    assert Policy.objects.get(region=jiande).online_lessons_province_level == 18
    assert effective(jiande, "online_lessons_province_level") == (18, "建德市")
    assert effective(world.regions["330127"], "online_lessons_province_level")[0] == 15


@pytest.mark.parametrize(
    "values",
    [
        {"weekly_sync_lessons_per_end": 41},
        {"weekly_sync_lessons_per_end": -1},
        {"screen_time_limit_minutes": 0},
        {"workload_coefficient": "10.5"},
        {"workload_coefficient": "abc"},
        {"online_lessons_city_level": 201},
    ],
)
def test_out_of_range_targets_are_refused_on_the_page(world, county_admin, client_for, values):
    client = client_for(county_admin)
    before, audit_before = (
        policy_rows(),
        AuditEvent.objects.filter(action="supervision.policy.updated").count(),
    )
    response = client.post(
        reverse("supervision:policy_edit", args=[world.regions["330127"].pk]), form_data(**values)
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(values)
    assert policy_rows() == before
    assert AuditEvent.objects.filter(action="supervision.policy.updated").count() == audit_before


def test_a_province_admin_edits_a_county_policy_in_their_subtree(world, client_for):
    chunan = world.regions["330127"]
    response = client_for(world.users["province_admin"]).post(
        reverse("supervision:policy_edit", args=[chunan.pk]), form_data(weekly_sync_lessons_per_end=9)
    )
    assert response.status_code == 302
    assert effective(chunan, "weekly_sync_lessons_per_end") == (9, "淳安县")


def test_an_outsider_gets_404_on_chunans_policy_page(world, outsider, client_for):
    client = client_for(outsider)
    url = reverse("supervision:policy_edit", args=[world.regions["330127"].pk])
    before = policy_rows()
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(weekly_sync_lessons_per_end=1)).status_code == 404
    assert policy_rows() == before
    assert effective(world.regions["330127"], "weekly_sync_lessons_per_end") == (6, "淳安县")


def test_a_county_admin_cannot_edit_the_policy_of_the_city_or_province_above(world, county_admin, client_for):
    client = client_for(county_admin)
    before = policy_rows()
    for code in ("330100", "330000"):
        url = reverse("supervision:policy_edit", args=[world.regions[code].pk])
        assert client.get(url).status_code in (403, 404), code
        assert client.post(url, form_data(weekly_sync_lessons_per_end=1)).status_code in (403, 404), code
    assert policy_rows() == before


@pytest.mark.parametrize("persona", ["school_admin", "teacher", "inspector", "researcher", "tech_support"])
def test_school_and_region_staff_who_are_not_bureau_admins_cannot_edit_policy(world, client_for, persona):
    client = client_for(world.users[persona])
    url = reverse("supervision:policy_edit", args=[world.regions["330127"].pk])
    before = policy_rows()
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, form_data(weekly_sync_lessons_per_end=1)).status_code in (403, 404)
    assert policy_rows() == before


def test_the_policy_list_shows_only_regions_in_scope(world, county_admin, outsider, client_for):
    rows = client_for(county_admin).get(reverse("supervision:policy_list")).context["rows"]
    assert [region.code for region, _policy, _can in rows] == ["330127"]
    region, policy, can_manage = rows[0]
    assert can_manage and policy.weekly_sync_lessons_per_end == 6
    body = client_for(outsider).get(reverse("supervision:policy_list")).content.decode()
    assert "建德市" in body and "淳安县" not in body


# --- the API --------------------------------------------------------------------------------------
def api_policy(client, region):
    return client.get(reverse("api_region_policy", args=[region.pk]))


def test_the_api_returns_the_effective_values_and_their_sources(world, county_admin, client_for):
    # given
    set_policy(world.regions["330100"], online_lessons_city_level=11)
    client = client_for(county_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switcher's choice
    # when
    response = api_policy(client, world.regions["330127"])
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == "330127"
    targets = body["targets"]
    assert set(targets) == set(POLICY_FIELDS)
    assert targets["weekly_sync_lessons_per_end"] == {"value": "6", "source": "淳安县"}
    assert targets["online_lessons_city_level"] == {"value": "11", "source": "杭州市"}
    assert targets["screen_time_limit_minutes"] == {"value": "20", "source": "浙江省"}
    assert Decimal(targets["workload_coefficient"]["value"]) == Decimal("1.5")
    assert targets["workload_coefficient"]["source"] == "浙江省"
    assert targets["online_lessons_province_level"] == {"value": "15", "source": "National baseline"}


def test_the_api_follows_a_change_made_on_the_page(world, county_admin, client_for):
    client = client_for(county_admin)
    chunan = world.regions["330127"]
    client.post(reverse("supervision:policy_edit", args=[chunan.pk]), form_data(screen_time_limit_minutes=25))
    targets = api_policy(client, chunan).json()["targets"]
    assert targets["screen_time_limit_minutes"] == {"value": "25", "source": "淳安县"}
    assert targets["weekly_sync_lessons_per_end"]["value"] == "5"  # the override was emptied by the form


def test_the_api_is_scoped(world, outsider, student, inspector, client_for):
    chunan = world.regions["330127"]
    assert api_policy(client_for(outsider), chunan).status_code == 404
    assert api_policy(client_for(student), chunan).status_code == 403
    response = api_policy(client_for(inspector), chunan)
    assert response.status_code == 200
    assert response.json()["targets"]["weekly_sync_lessons_per_end"]["value"] == "6"


def test_the_api_refuses_anonymous_callers(world, client):
    assert api_policy(client, world.regions["330127"]).status_code in (401, 403)


def test_a_region_created_later_inherits_at_once(world):
    from sanke.org.actions import do_save_region
    from sanke.org.choices import RegionLevel

    tonglu = do_save_region(
        Region(code="330122", name="桐庐县", level=RegionLevel.COUNTY, parent=world.regions["330100"]),
        acting_user=None,
    )
    set_policy(world.regions["330100"], online_lessons_county_level=3)
    assert effective(tonglu, "online_lessons_county_level") == (3, "杭州市")
    assert effective(tonglu, "screen_time_limit_minutes") == (20, "浙江省")
    assert effective(tonglu, "weekly_sync_lessons_per_end")[0] == 5

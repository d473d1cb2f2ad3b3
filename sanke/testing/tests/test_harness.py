"""The harness keeps its promises: one shared world, rolled back and copied per test; transactional tests
get their own; ``@pytest.mark.clock`` moves the clocks of Django and of the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sanke.core.scoping import scope_for
from sanke.org.actions import do_save_school
from sanke.org.models import Region, School
from sanke.testing.world import SHARED, is_transactional, needs_shared_world

HOST_NAME = "千岛湖镇第一小学"


@pytest.mark.django_db
def test_a_test_may_change_the_world_in_the_database_and_in_memory(world, host_teacher):
    # the next test checks that none of this reaches it (tests of one kind run in file order)
    host = world.schools["host"]
    host.name = "改了名的学校"
    do_save_school(host, acting_user=None)
    assert scope_for(host_teacher).school_ids  # cached on the user object
    assert School.objects.get(pk=host.pk).name == "改了名的学校"


@pytest.mark.django_db
def test_the_next_test_finds_the_world_as_it_was_built(world, host_teacher):
    assert School.objects.get(pk=world.schools["host"].pk).name == HOST_NAME
    assert world.schools["host"].name == HOST_NAME
    # no scope cached on the user object by the test before (deepcopy itself adds _django_version)
    assert not [n for n in vars(host_teacher) if n.startswith("_") and n not in ("_state", "_django_version")]


@pytest.mark.django_db
def test_each_copy_of_the_world_is_its_own(world):
    other = SHARED.copy()
    world.schools["host"].name = "changed"
    assert other.schools["host"].name == HOST_NAME
    # objects that point at each other in the world still do in a copy
    classroom = world.classrooms["host-3-1"]
    assert classroom.home_class is world.classes["host-31"]


def test_every_test_that_needs_the_shared_world_runs_before_the_transactional_ones(request):
    """pytest-django orders them so; then the shared world is built once and emptied once per run."""
    items = request.session.items
    first_transactional = next((i for i, item in enumerate(items) if is_transactional(item)), len(items))
    late = [item.nodeid for item in items[first_transactional:] if needs_shared_world(item)]
    assert late == []


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_a_world_of_its_own(world):
    assert not SHARED.in_database  # emptied before this test: no second county next to this one
    assert Region.objects.filter(code="330127").count() == 1
    assert School.objects.get(pk=world.schools["host"].pk).name == HOST_NAME


@pytest.mark.clock("2026-11-23 15:00")
def test_the_clock_mark_moves_djangos_clock_and_time_goes_on(pinned_clock):
    assert timezone.localdate() == dt.date(2026, 11, 23)
    first = timezone.now()
    assert timezone.localtime(first).strftime("%H:%M") == "15:00"
    assert timezone.now() > first


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clock("2026-11-23 15:00")
def test_the_clock_mark_moves_the_clock_of_the_pages_too(blank_page, live_server, pinned_clock):
    page = blank_page()
    page.goto(f"{live_server.url}/accounts/login/")
    shown = dt.datetime.fromtimestamp(page.evaluate("Date.now()") / 1000, dt.UTC)
    assert abs(shown - pinned_clock.now()) < dt.timedelta(seconds=30)
    page.wait_for_timeout(1200)
    assert page.evaluate("Date.now()") / 1000 > shown.timestamp() + 1  # and it runs

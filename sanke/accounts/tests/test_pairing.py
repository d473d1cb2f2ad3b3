"""Pairing a classroom's big-screen PC with a six-digit code: once, in time, by the school admin only."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from sanke.accounts import actions, views
from sanke.accounts.actions import do_create_pairing_code
from sanke.accounts.choices import Role
from sanke.accounts.models import RoleAssignment, TerminalPairing
from sanke.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


@pytest.mark.django_db
def test_a_code_pairs_the_terminal_once(world, client):
    room = world.classrooms["xiajiang"]
    code = do_create_pairing_code(room, acting_user=world.users["county_admin"])
    response = client.post(reverse("accounts:pair"), {"code": code})
    assert response.status_code == 302
    user = RoleAssignment.objects.get(classroom=room, role=Role.CLASSROOM_TERMINAL).user
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session.get_expiry_age() > 30 * 24 * 3600  # a classroom PC stays paired
    assert AuditEvent.objects.filter(action="accounts.terminal.paired", actor_username=user.username).exists()
    # the same code does not work twice
    other = type(client)()
    assert other.post(reverse("accounts:pair"), {"code": code}).status_code == 200
    assert "_auth_user_id" not in other.session


@pytest.mark.django_db
def test_an_expired_or_wrong_code_does_nothing(world, client):
    room = world.classrooms["xiajiang"]
    code = do_create_pairing_code(room, acting_user=world.users["county_admin"])
    TerminalPairing.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    for attempt in (code, "12345", "abcdef", "999999"):
        response = client.post(reverse("accounts:pair"), {"code": attempt})
        assert response.status_code == 200 and b'data-testid="pair-error"' in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_guessing_codes_is_stopped(world, client):
    for _ in range(10):
        client.post(reverse("accounts:pair"), {"code": "000000"}, REMOTE_ADDR="10.9.9.9")
    code = do_create_pairing_code(world.classrooms["xiajiang"], acting_user=world.users["county_admin"])
    response = client.post(reverse("accounts:pair"), {"code": code}, REMOTE_ADDR="10.9.9.9")
    assert "_auth_user_id" not in client.session and response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_pass_the_limit(monkeypatch):
    """40 wrong guesses sent at once from one address: at most the limit are looked at, the rest refused.

    The count lives in the database and an attempt is reserved before the code is checked, so the
    requests' threads (each with its own database connection, as separate server processes would have)
    cannot all pass a "check, then count" gap. Each check is slowed a little, as a busy server would be.
    """
    processed = []
    real_pair = actions.do_pair_terminal

    def slow_pair(code):
        processed.append(code)
        time.sleep(0.05)
        return real_pair(code)

    monkeypatch.setattr(actions, "do_pair_terminal", slow_pair)
    start = threading.Barrier(40)
    statuses = []

    def guess(number):
        try:
            start.wait()
            response = Client().post(
                reverse("accounts:pair"), {"code": f"{number:06d}"}, REMOTE_ADDR="10.9.9.10"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 40
    assert len(processed) <= views.PAIR_FAILURE_LIMIT, f"{len(processed)} guesses were checked"


@pytest.mark.django_db
def test_only_the_schools_admins_make_codes(world, client_for):
    room = world.classrooms["xiajiang"]
    for username, expected in (("teacher", 404), ("tech_support", 403), ("outsider_admin", 404)):
        response = client_for(world.users[username]).post(reverse("accounts:pairing_create", args=[room.pk]))
        assert response.status_code == expected, username
    assert not TerminalPairing.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clock("2026-11-23 15:00")  # no lesson about to start: the paired screen stays on its home page
def test_the_admin_shows_a_code_and_the_classroom_screen_pairs_with_it(
    world, page_for, blank_page, live_server, screenshot
):
    room = world.classrooms["xiajiang"]
    admin = page_for("county_admin")
    admin.goto(f"{live_server.url}/org/classrooms/{room.pk}/")
    admin.click("[data-testid=pair-terminal]")
    code = admin.get_by_test_id("pairing-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    screenshot(admin, "terminal-pairing-code")
    screen = blank_page(viewport={"width": 1920, "height": 1080})
    screen.goto(f"{live_server.url}/accounts/pair/")
    screen.fill("input[name=code]", code)
    screen.click("[data-testid=pair]")
    expect(screen.locator(".page-title")).to_contain_text("下姜教学点教室")
    expect(screen.get_by_test_id("terminal-next")).to_be_visible()
    screen.context.close()

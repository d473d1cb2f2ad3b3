"""Admins look after the accounts in their scope: unlock, one-time password, disable — and nothing wider."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sanke.accounts.actions import can_manage_account, do_grant_role, do_reset_password
from sanke.accounts.choices import Role
from sanke.core.models import AuditEvent
from sanke.testing.world import DEMO_PASSWORD

LOGIN = "/accounts/login/"
pytestmark = pytest.mark.django_db


def lock(client, username):
    for _ in range(5):
        client.post(LOGIN, {"username": username, "password": "wrong-Pass1"})


def test_a_school_admin_unlocks_a_locked_teacher(world, school_admin, client):
    # given a teacher locked out by five wrong passwords
    lock(client, "teacher")
    assert client.post(LOGIN, {"username": "teacher", "password": DEMO_PASSWORD}).status_code == 429
    # when the school admin unlocks the account from the accounts page
    client.force_login(school_admin)
    page = client.get(reverse("accounts:account_list")).content.decode()
    assert 'data-testid="locked"' in page
    response = client.post(
        reverse("accounts:account_action", args=[world.users["teacher"].pk]), {"action": "unlock"}
    )
    assert response.status_code == 302
    client.logout()
    # then the teacher logs in again, and the unlock is audited
    assert client.post(LOGIN, {"username": "teacher", "password": DEMO_PASSWORD}).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user.unlocked", changes__user="teacher").exists()


def test_a_reset_password_works_once_and_must_be_changed(world, county_admin, client_for):
    client = client_for(county_admin)
    response = client.post(
        reverse("accounts:account_action", args=[world.users["teacher"].pk]),
        {"action": "reset_password"},
        follow=True,
    )
    temporary = response.context["shown"]["password"]
    teacher = world.users["teacher"]
    teacher.refresh_from_db()
    assert teacher.check_password(temporary)
    assert not teacher.check_password(DEMO_PASSWORD)
    assert teacher.must_change_password
    assert AuditEvent.objects.filter(action="accounts.password.reset", changes__user="teacher").exists()


def test_a_one_time_password_is_shown_once_on_a_page_and_never_in_a_cookie(world, county_admin, client_for):
    # given a county admin who resets a teacher's password
    client = client_for(county_admin)
    response = client.post(
        reverse("accounts:account_action", args=[world.users["teacher"].pk]), {"action": "reset_password"}
    )
    # then the browser is sent to a page, and no cookie carries the password
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:one_time_password")
    shown = client.get(response["Location"])
    page = shown.content.decode()
    temporary = shown.context["shown"]["password"]
    assert 'data-testid="one-time-password"' in page and temporary in page
    assert "no-store" in shown["Cache-Control"]
    assert world.users["teacher"].__class__.objects.get(username="teacher").check_password(temporary)
    for cookie in (*response.cookies.values(), *shown.cookies.values(), *client.cookies.values()):
        assert temporary not in cookie.value, cookie.key
    # when the page is opened again, the password is gone
    again = client.get(reverse("accounts:one_time_password")).content.decode()
    assert temporary not in again and 'data-testid="one-time-password-gone"' in again


def test_a_disabled_account_cannot_log_in_until_enabled(world, county_admin, client):
    client.force_login(county_admin)
    url = reverse("accounts:account_action", args=[world.users["teacher"].pk])
    client.post(url, {"action": "disable"})
    client.logout()
    assert client.post(LOGIN, {"username": "teacher", "password": DEMO_PASSWORD}).status_code == 200
    client.force_login(county_admin)
    client.post(url, {"action": "enable"})
    client.logout()
    assert client.post(LOGIN, {"username": "teacher", "password": DEMO_PASSWORD}).status_code == 302


def test_a_school_admin_cannot_touch_bureau_accounts_or_other_schools(world, school_admin, client_for):
    client = client_for(school_admin)
    for username in ("county_admin", "researcher", "student", "outsider_teacher"):
        response = client.post(
            reverse("accounts:account_action", args=[world.users[username].pk]), {"action": "reset_password"}
        )
        assert response.status_code == 404, username
    listed = client.get(reverse("accounts:account_list")).content.decode()
    assert 'data-username="teacher"' in listed
    assert 'data-username="county_admin"' not in listed


def test_granting_a_small_role_does_not_hand_over_the_account(world, county_admin, outsider):
    """A county-B teacher also holds an inspector role in A: A still may not reset B's account.

    (County A alone may not give B's teacher that role; the province, above both, does.)"""
    other_teacher = world.users["outsider_teacher"]
    do_grant_role(
        other_teacher,
        Role.INSPECTOR,
        region=world.regions["330127"],
        acting_user=world.users["province_admin"],
    )
    assert not can_manage_account(county_admin, other_teacher)
    with pytest.raises(PermissionDenied):
        do_reset_password(other_teacher, acting_user=county_admin)
    # the county that owns the teacher's school cannot either: the account now also acts in 淳安县
    assert not can_manage_account(outsider, other_teacher)


def test_nobody_manages_their_own_account_here(world, county_admin):
    assert not can_manage_account(county_admin, county_admin)

"""Security from day one: Argon2, password policy, lockout, idle timeout, forced password change, audit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from sanke.accounts.actions import do_create_account, do_grant_role, do_revoke_role
from sanke.accounts.choices import Role
from sanke.accounts.models import RoleAssignment
from sanke.core.models import AuditEvent
from sanke.testing.world import DEMO_PASSWORD

LOGIN = "/accounts/login/"


@pytest.mark.django_db
@pytest.mark.real_hasher
def test_passwords_are_stored_with_argon2(world):
    # when
    user = do_create_account(username="new_teacher", password="Good#Pass1", acting_user=None)
    # then
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("Good#Pass1")


@pytest.mark.parametrize("password", ["abcdefgh1", "ABCDEFGH1", "abcdEFGH", "Ab1!"])
def test_weak_passwords_are_refused_with_a_chinese_message(password):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password)
    text = " ".join(refused.value.messages)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


@pytest.mark.parametrize("password", ["Qx7mNprw", "qz7!mnpwk", "ZK-4417xq"])
def test_passwords_with_three_character_classes_pass(password):
    validate_password(password)


@pytest.mark.django_db
def test_account_is_locked_after_five_failed_logins(world, client):
    # given five wrong passwords
    for _ in range(5):
        response = client.post(
            LOGIN, {"username": "teacher", "password": "wrong-Pass1"}, REMOTE_ADDR="10.0.0.7"
        )
    # when the right password comes next
    response = client.post(LOGIN, {"username": "teacher", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.0.0.7")
    # then the account stays locked and the user is not logged in
    assert response.status_code == 429
    assert b'data-testid="locked-out"' in response.content
    assert "_auth_user_id" not in client.session
    failures = AuditEvent.objects.filter(action="auth.login_failed", actor_username="teacher")
    assert failures.count() >= 5
    assert failures.first().ip_address == "10.0.0.7"
    # and another account is not affected (lockout is per account, schools share addresses)
    response = client.post(
        LOGIN, {"username": "school_admin", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_failed_login_shows_a_clear_message_and_is_audited(world, client):
    with translation.override("zh-hans"):
        response = client.post(
            LOGIN, {"username": "teacher", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 200
    assert b'data-testid="login-error"' in response.content
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_username="teacher").count() == 1


@pytest.mark.django_db
def test_successful_login_is_audited_with_address_and_visible_to_the_county(
    world, client, county_admin, outsider
):
    response = client.post(LOGIN, {"username": "teacher", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login", actor_username="teacher")
    assert event.ip_address == "10.1.2.3"
    assert event.school == world.schools["host"]
    assert AuditEvent.objects.visible_to(county_admin).filter(pk=event.pk).exists()
    assert not AuditEvent.objects.visible_to(outsider).filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_idle_session_expires_and_activity_extends_it(world, client, settings):
    client.post(LOGIN, {"username": "teacher", "password": DEMO_PASSWORD})
    key = client.session.session_key
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    first_expiry = Session.objects.get(session_key=key).expire_date
    # activity slides the expiry forward
    Session.objects.filter(session_key=key).update(expire_date=first_expiry - timedelta(minutes=10))
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > first_expiry - timedelta(minutes=1)
    # idle past the limit: the session is gone and the user is sent to the login page
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_idle_timeout_is_configured_from_the_environment():
    env = {**os.environ, "SANKE_IDLE_TIMEOUT_MINUTES": "10", "DJANGO_SETTINGS_MODULE": "sanke.settings"}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "600"


@pytest.mark.django_db
def test_a_new_account_must_change_its_password_first(world, county_admin, client):
    user = do_create_account(username="fresh", password="Fresh#Pass1", acting_user=county_admin)
    do_grant_role(user, Role.TEACHER, school=world.schools["host"], acting_user=county_admin)
    client.force_login(user)
    assert client.get("/org/schools/").url == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Fresh#Pass1", "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200  # refused, shown again
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Fresh#Pass1", "new_password1": "Better#Pass2", "new_password2": "Better#Pass2"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/org/schools/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.password.changed", changes__user="fresh").exists()


@pytest.mark.django_db
def test_school_admin_grants_school_roles_but_not_wider_ones(world, school_admin, county_admin):
    user = do_create_account(username="helper", password="Helper#Pass1", acting_user=county_admin)
    host, central = world.schools["host"], world.schools["central"]
    # allowed: a teacher role at their own school
    grant = do_grant_role(user, Role.TEACHER, school=host, acting_user=school_admin)
    assert AuditEvent.objects.filter(action="accounts.role.granted", target_id=str(grant.pk)).exists()
    # refused: another school, a school admin role, a region-wide role
    with pytest.raises(PermissionDenied):
        do_grant_role(user, Role.TEACHER, school=central, acting_user=school_admin)
    with pytest.raises(PermissionDenied):
        do_grant_role(user, Role.SCHOOL_ADMIN, school=host, acting_user=school_admin)
    with pytest.raises(PermissionDenied):
        do_grant_role(user, Role.RESEARCHER, region=world.regions["330127"], acting_user=school_admin)
    assert RoleAssignment.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_a_role_needs_the_right_kind_of_scope(world, county_admin):
    user = do_create_account(username="x", password="Xx#Pass123", acting_user=county_admin)
    with pytest.raises(ValidationError):
        do_grant_role(user, Role.CLASSROOM_TERMINAL, school=world.schools["host"], acting_user=county_admin)
    with pytest.raises(ValidationError):
        do_grant_role(user, Role.BUREAU_ADMIN, school=world.schools["host"], acting_user=county_admin)


@pytest.mark.django_db
def test_revoking_a_role_shrinks_what_the_user_sees(world, county_admin, client):
    teacher = world.users["teacher"]
    client.force_login(teacher)
    assert client.get(reverse("org:school_detail", args=[world.schools["host"].pk])).status_code == 200
    grant = RoleAssignment.objects.get(user=teacher)
    do_revoke_role(grant, acting_user=county_admin)
    assert client.get(reverse("org:school_detail", args=[world.schools["host"].pk])).status_code == 403
    assert AuditEvent.objects.filter(action="accounts.role.revoked").exists()


@pytest.mark.django_db
def test_roles_page_grants_and_revokes(world, county_admin, client_for):
    client = client_for(county_admin)
    response = client.post(
        reverse("accounts:role_grant"),
        {"username": "teacher", "role": Role.INSPECTOR, "region": world.regions["330127"].pk},
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user__username="teacher", role=Role.INSPECTOR)
    page = client.get(reverse("accounts:role_list")).content.decode()
    assert f'action="{reverse("accounts:role_revoke", args=[grant.pk])}"' in page
    response = client.post(reverse("accounts:role_revoke", args=[grant.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()


@pytest.mark.django_db
def test_roles_page_rejects_unknown_user_and_bad_scope_with_messages(
    world, county_admin, client_for, settings
):
    client = client_for(county_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("accounts:role_grant"), {"username": "nobody", "role": Role.TEACHER})
    assert response.status_code == 200
    assert b"No account with this username" in response.content
    response = client.post(
        reverse("accounts:role_grant"),
        {"username": "teacher", "role": Role.TEACHER, "region": world.regions["330127"].pk},
    )
    assert response.status_code == 200
    assert b"can only be granted at" in response.content


@pytest.mark.django_db
def test_person_gets_a_login_with_the_role_of_their_kind(world, school_admin, client_for):
    client = client_for(school_admin)
    music = world.people["music"]
    response = client.post(
        reverse("accounts:person_account", args=[music.pk]),
        {"username": "chenjing", "password1": "Music#Pass1", "password2": "Music#Pass1"},
    )
    assert response.status_code == 302
    music.refresh_from_db()
    assert music.user.username == "chenjing"
    assert music.user.must_change_password
    assert RoleAssignment.objects.filter(
        user=music.user, role=Role.TEACHER, school=world.schools["host"]
    ).exists()


@pytest.mark.django_db
def test_county_admin_opens_an_account_for_a_bureau_colleague(world, county_admin, client_for):
    client = client_for(county_admin)
    response = client.post(
        reverse("accounts:account_create"),
        {
            "username": "jiaoyan2",
            "display_name": "县教研员 新同事",
            "password1": "Research#1",
            "password2": "Research#1",
            "role": Role.RESEARCHER,
            "region": world.regions["330127"].pk,
        },
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user__username="jiaoyan2")
    assert grant.role == Role.RESEARCHER and grant.region == world.regions["330127"]
    assert grant.user.must_change_password


@pytest.mark.django_db
def test_school_admin_cannot_open_a_bureau_account(world, school_admin, client_for):
    from sanke.accounts.models import User

    client = client_for(school_admin)
    response = client.post(
        reverse("accounts:account_create"),
        {
            "username": "sneaky",
            "display_name": "x",
            "password1": "Sneaky#Pass1",
            "password2": "Sneaky#Pass1",
            "role": Role.BUREAU_ADMIN,
            "region": world.regions["330127"].pk,
        },
    )
    assert response.status_code == 200  # the region is not among their choices: the form refuses
    assert not User.objects.filter(username="sneaky").exists()


@pytest.mark.django_db
def test_revoking_a_role_redirects_only_within_this_site(world, county_admin, client_for):
    client = client_for(county_admin)
    teacher = world.users["teacher"]
    county = world.regions["330127"]
    for hostile in ("https://evil.example/a", "//evil.example/", "javascript:alert(1)", "https:evil.example"):
        grant = do_grant_role(teacher, Role.INSPECTOR, region=county, acting_user=county_admin)
        response = client.post(reverse("accounts:role_revoke", args=[grant.pk]), {"next": hostile})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:role_list"), hostile
    grant = do_grant_role(teacher, Role.INSPECTOR, region=county, acting_user=county_admin)
    response = client.post(reverse("accounts:role_revoke", args=[grant.pk]), {"next": "/org/people/"})
    assert response["Location"] == "/org/people/"


@pytest.mark.django_db
def test_a_county_cannot_grant_a_role_to_another_countys_account(world, county_admin, client_for, settings):
    """The account's own bureau (or one above both) grants it roles; the form says the same thing for an
    account of another county as for a username that does not exist."""
    # given 淳安县's admin on the grant form, in English
    client = client_for(county_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    county = world.regions["330127"].pk
    # when they name 建德市's teacher, and a username nobody has
    elsewhere = client.post(
        reverse("accounts:role_grant"),
        {"username": "outsider_teacher", "role": Role.INSPECTOR, "region": county},
    )
    nobody = client.post(
        reverse("accounts:role_grant"),
        {"username": "nobody-at-all", "role": Role.INSPECTOR, "region": county},
    )
    # then both are refused with the same words, and nothing is granted
    assert elsewhere.status_code == nobody.status_code == 200
    assert elsewhere.context["form"].errors == nobody.context["form"].errors
    assert "username" in elsewhere.context["form"].errors
    assert not RoleAssignment.objects.filter(user__username="outsider_teacher", role=Role.INSPECTOR).exists()
    # and the action refuses it too
    with pytest.raises(PermissionDenied):
        do_grant_role(
            world.users["outsider_teacher"],
            Role.INSPECTOR,
            region=world.regions["330127"],
            acting_user=county_admin,
        )
    with pytest.raises(PermissionDenied):
        do_grant_role(
            world.users["outsider_admin"],
            Role.TEACHER,
            school=world.schools["host"],
            acting_user=county_admin,
        )
    # the province, which administers both counties, may
    do_grant_role(
        world.users["outsider_teacher"],
        Role.INSPECTOR,
        region=world.regions["330127"],
        acting_user=world.users["province_admin"],
    )

"""State changes of accounts: creating logins, granting and revoking scoped roles."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanke.accounts.choices import ADMIN_ROLES, Role
from sanke.accounts.models import RoleAssignment, User
from sanke.core.audit import record_audit
from sanke.core.realtime import close_user_sockets
from sanke.core.scoping import forget_scope, scope_for
from sanke.org.actions import do_link_account
from sanke.org.models import Classroom


def can_grant(acting_user, assignment: RoleAssignment) -> bool:
    """An admin may grant a role only inside the scope they manage.

    Bureau admins grant any role within their region subtree (colleagues at their own level included);
    school admins grant school-level roles at their schools and terminals of their classrooms, but not
    school admin, which the bureau grants.
    """
    scope = scope_for(acting_user)
    if scope.is_superuser:
        return True
    if assignment.region_id:
        return scope.can_manage_region(assignment.region)
    school = assignment.school or (
        cast(Classroom, assignment.classroom).school if assignment.classroom_id else None
    )
    if school is None or not scope.can_manage_school(school):
        return False
    if assignment.role in ADMIN_ROLES:
        return scope.can_manage_region(school.region)
    return True


def account_home_within(acting_user, user: User) -> bool:
    """Whether the account belongs where ``acting_user`` administers, so they may give it roles.

    An account's home is its person's school; an account without one (bureau staff, terminals) lives
    where its grants are. Without this, an admin of county A could grant an account of county B a role in
    A (to a county-B admin: a foothold in A) and learn which usernames exist elsewhere; the account's own
    bureau, or one above both, grants it instead. An account with neither a person nor a grant has no
    home yet: whoever may grant the role gives it one (an account just opened, then granted).
    """
    scope = scope_for(acting_user)
    if scope.is_superuser:
        return True
    if user.is_superuser:
        return False
    person = getattr(user, "person", None)
    if person is not None and person.school_id:
        return scope.can_manage_school(person.school)
    grants = RoleAssignment.objects.filter(user=user)
    if not grants.exists():
        return True
    manage = scope.manage_grants_q()
    return manage is not None and grants.filter(manage).exists()


def do_grant_role(
    user: User, role: str, *, region=None, school=None, classroom=None, acting_user
) -> RoleAssignment:
    """Give ``user`` the ``role`` within one scope; idempotent (an existing grant is returned).

    Both the scope (``can_grant``) and the account (``account_home_within``) must lie in what the
    acting admin administers.
    """
    assignment = RoleAssignment(
        user=user,
        role=role,
        region=region,
        school=school,
        classroom=classroom,
        granted_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    assignment.clean()
    if acting_user is not None and not can_grant(acting_user, assignment):
        raise PermissionDenied(_("You cannot grant this role in this scope."))
    if acting_user is not None and not account_home_within(acting_user, user):
        raise PermissionDenied(
            _(
                "This account belongs to another school or bureau: its own administrators, or an "
                "administrator above both, grant it roles."
            )
        )
    with transaction.atomic():
        existing = RoleAssignment.objects.filter(
            user=user, role=role, region=region, school=school, classroom=classroom
        ).first()
        if existing:
            return existing
        assignment.save()
        record_audit(
            acting_user,
            "accounts.role.granted",
            assignment,
            changes={"user": user.username, "role": role, "scope": str(assignment.scope_object)},
        )
    forget_scope(user)
    return assignment


def do_revoke_role(assignment: RoleAssignment, *, acting_user) -> None:
    """Take a role grant away; the user's scope shrinks from their next request on."""
    if not can_grant(acting_user, assignment):
        raise PermissionDenied(_("You cannot revoke this role."))
    with transaction.atomic():
        record_audit(
            acting_user,
            "accounts.role.revoked",
            assignment,
            changes={
                "user": assignment.user.username,
                "role": assignment.role,
                "scope": str(assignment.scope_object),
            },
        )
        assignment.delete()
        close_user_sockets(assignment.user_id, "role revoked")  # open lesson sockets check their role
    forget_scope(assignment.user)


USERNAME_REFUSED = gettext_lazy("This username cannot be used. Choose another one.")


def do_create_account(
    *,
    username: str,
    password: str,
    display_name: str = "",
    person=None,
    must_change_password: bool = True,
    acting_user,
) -> User:
    """Create a login (optionally for a person), with the password policy enforced."""
    if User.objects.filter(username__iexact=username).exists():
        # Neutral: the account may lie outside the actor's scope (the forms say more when they may).
        raise ValidationError({"username": USERNAME_REFUSED})
    user = User(
        username=username,
        display_name=display_name or (person.name if person else ""),
        must_change_password=must_change_password,
    )
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        if person is not None:
            do_link_account(person, user)
        record_audit(acting_user, "accounts.user.created", person or user, changes={"username": username})
    return user


def do_change_password(user: User, new_password: str, *, acting_user) -> None:
    """Set a new password (policy enforced) and clear the must-change flag."""
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        close_user_sockets(user.pk, "password changed")  # sockets of other sessions close
        record_audit(
            acting_user,
            "accounts.password.changed",
            None,
            changes={"user": user.username},
            **user_placement(user),
        )


def user_placement(user) -> dict:
    """Where a user's audit rows belong (their first grant's region/school) so their admins see them."""
    grant = (
        RoleAssignment.objects.filter(user=user)
        .select_related("region", "school__region", "classroom__school__region")
        .first()
    )
    if grant is None:
        return {"region_code": "", "school": None}
    region_code, school = grant.audit_placement()
    return {"region_code": region_code, "school": school}


def do_open_account(
    *,
    username: str,
    password: str,
    display_name: str,
    role: str,
    region=None,
    school=None,
    classroom=None,
    acting_user,
) -> User:
    """Create a login and its first role in one step (e.g. a new bureau colleague); all or nothing."""
    probe = RoleAssignment(role=role, region=region, school=school, classroom=classroom)
    probe.clean()
    if not can_grant(acting_user, probe):
        raise PermissionDenied(_("You cannot grant this role in this scope."))
    with transaction.atomic():
        user = do_create_account(
            username=username, password=password, display_name=display_name, acting_user=acting_user
        )
        do_grant_role(user, role, region=region, school=school, classroom=classroom, acting_user=acting_user)
    return user


def can_manage_account(acting_user, user: User) -> bool:
    """An admin may unlock, reset or disable an account only if everything it can do lies in their scope.

    Checking every grant (not just one) stops an admin of county A from taking over a county-B account
    by first granting it some small role in county A.
    """
    if user.is_superuser or user.pk == acting_user.pk:
        return False
    scope = scope_for(acting_user)
    grants = list(
        user.role_assignments.select_related("region", "school__region", "classroom__school__region")
    )
    person = getattr(user, "person", None)
    if not grants and person is None:
        return scope.is_superuser
    if person is not None and person.school_id and not scope.can_manage_school(person.school):
        return False
    return all(can_grant(acting_user, grant) for grant in grants)


def _require_account_manager(acting_user, user: User) -> None:
    if not can_manage_account(acting_user, user):
        raise PermissionDenied(_("You cannot manage this account."))


def do_unlock_account(user: User, *, acting_user) -> int:
    """Lift a lockout after failed logins (django-axes) before its cool-off ends."""
    from axes.utils import reset

    _require_account_manager(acting_user, user)
    removed = reset(username=user.username)
    record_audit(
        acting_user, "accounts.user.unlocked", None, changes={"user": user.username}, **user_placement(user)
    )
    return removed


def do_reset_password(user: User, *, acting_user) -> str:
    """Give the account a random one-time password that must be changed at the next login."""
    import secrets
    import string

    _require_account_manager(acting_user, user)
    alphabet = string.ascii_letters + string.digits
    while True:
        temporary = "".join(secrets.choice(alphabet) for _ in range(10)) + secrets.choice("#@%+=")
        if any(c.isdigit() for c in temporary) and any(c.isupper() for c in temporary):
            break
    with transaction.atomic():
        user.set_password(temporary)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        close_user_sockets(user.pk, "password reset")  # no socket stays open past a forced change
        record_audit(
            acting_user,
            "accounts.password.reset",
            None,
            changes={"user": user.username},
            **user_placement(user),
        )
    return temporary


def do_set_account_active(user: User, active: bool, *, acting_user) -> None:
    """Disable an account (it can no longer log in; its data and history stay) or enable it again."""
    _require_account_manager(acting_user, user)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            close_user_sockets(user.pk, "account disabled")  # a disabled account's sockets close
        record_audit(
            acting_user,
            "accounts.user.enabled" if active else "accounts.user.disabled",
            None,
            changes={"user": user.username},
            **user_placement(user),
        )


PAIRING_MINUTES = 10


def terminal_account(classroom, *, acting_user) -> User:
    """The classroom's terminal login (created on first use, with no password: it pairs by code)."""
    username = f"terminal-{classroom.school.code}-{classroom.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        with transaction.atomic():
            user = User(username=username, display_name=f"{classroom.school.name} {classroom.name}")
            user.set_unusable_password()
            user.save()
            record_audit(acting_user, "accounts.user.created", classroom, changes={"username": username})
    do_grant_role(user, Role.CLASSROOM_TERMINAL, classroom=classroom, acting_user=acting_user)
    return user


def _pairing_digest(code: str) -> str:
    """Stored instead of the code; under its own labelled key (not the field key, which rotates)."""
    from sanke.core.keys import keyed_digest

    return keyed_digest("terminal-pairing", code)


def do_create_pairing_code(classroom, *, acting_user) -> str:
    """A six-digit code, valid for a few minutes, that pairs one terminal PC with ``classroom``."""
    import secrets

    from django.utils import timezone

    from sanke.accounts.models import TerminalPairing

    if not scope_for(acting_user).can_manage_school(classroom.school):
        raise PermissionDenied(_("You cannot pair terminals for this classroom."))
    terminal_account(classroom, acting_user=acting_user)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        TerminalPairing.objects.create(
            classroom=classroom,
            code_digest=_pairing_digest(code),
            created_by=acting_user,
            expires_at=timezone.now() + dt.timedelta(minutes=PAIRING_MINUTES),
        )
        record_audit(acting_user, "accounts.terminal.code_created", classroom)
    return code


def do_pair_terminal(code: str) -> User | None:
    """Use a pairing code (once, before it expires); returns the terminal account to log in, or None."""
    from django.utils import timezone

    from sanke.accounts.models import TerminalPairing
    from sanke.core.text import normalize_text

    code = normalize_text(code)  # a Chinese input method types "１２３４５６"
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    now = timezone.now()
    with transaction.atomic():
        pairing = (
            TerminalPairing.objects.filter(
                code_digest=_pairing_digest(code), used_at__isnull=True, expires_at__gt=now
            )
            .select_related("classroom__school")
            .first()
        )
        if pairing is None or not TerminalPairing.objects.filter(pk=pairing.pk, used_at__isnull=True).update(
            used_at=now
        ):
            return None
        user = terminal_account(pairing.classroom, acting_user=pairing.created_by)
        record_audit(None, "accounts.terminal.paired", pairing.classroom, actor_username=user.username)
    return user

"""Read queries of accounts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q

from sanke.accounts.choices import ADMIN_ROLES
from sanke.accounts.models import RoleAssignment, managed_accounts
from sanke.core.scoping import scope_for


def users_managed_by(admin):
    """Accounts an admin may look after (see ``accounts.models.managed_accounts``)."""
    return managed_accounts(scope_for(admin))


def accounts_managed_by(admin):
    """The accounts ``admin`` may unlock, reset or disable, in one query: the answer of
    ``actions.can_manage_account`` for every account, without loading every account of a county and its
    grants into Python (a county has thousands; the list shows a page of them).

    An account qualifies when it is managed (``managed_accounts``), is not the admin's own, every grant it
    holds lies where the admin may grant it (``actions.can_grant``), its person's school (if any) is one the
    admin manages, and it has a grant or a person at all.
    """
    scope = scope_for(admin)
    users = managed_accounts(scope).exclude(pk=admin.pk)
    if scope.is_superuser:
        return users
    prefixes = sorted(scope.manage_region_prefixes)
    grantable = Q(pk__in=[])
    for prefix in prefixes:  # a bureau admin grants anything inside the subtree, admins included
        grantable |= (
            Q(region__code__startswith=prefix)
            | Q(school__region__code__startswith=prefix)
            | Q(classroom__school__region__code__startswith=prefix)
        )
    if scope.manage_school_ids:  # a school admin grants the school's roles but not another admin
        ids = sorted(scope.manage_school_ids)
        grantable |= (Q(school_id__in=ids) | Q(classroom__school_id__in=ids)) & ~Q(role__in=ADMIN_ROLES)
    allowed = RoleAssignment.objects.filter(grantable).values("pk")  # scope: the admin's own grant rules
    elsewhere = RoleAssignment.objects.exclude(pk__in=allowed).values("user_id")  # scope: as above
    school_managed = scope.manage_q("person__school__")
    users = users.exclude(pk__in=elsewhere).filter(
        Q(person__isnull=False) | Q(role_assignments__isnull=False)
    )
    return users.filter(Q(person__school__isnull=True) | school_managed) if school_managed else users.none()


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts django-axes currently locks (failures at or over the limit)."""
    return set(
        AccessAttempt.objects.filter(  # scope: django-axes' counters of accounts the caller already manages
            username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )

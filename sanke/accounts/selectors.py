"""Read queries of accounts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q

from sanke.accounts.models import RoleAssignment, User
from sanke.accounts.scope import scope_for


def users_managed_by(admin):
    """Accounts an admin may look after: holders of a grant inside their scope, and people of their schools.

    Superusers are never managed through these pages (only through Django's admin by other superusers).
    """
    scope = scope_for(admin)
    if scope.is_superuser:
        return User.objects.filter(is_superuser=False)
    grants = scope.manage_grants_q()
    if grants is None:
        return User.objects.none()
    query = Q(pk__in=RoleAssignment.objects.filter(grants).values("user_id")) | scope.manage_q(
        "person__school__"
    )
    return User.objects.filter(query, is_superuser=False).distinct()


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts django-axes currently locks (failures at or over the limit)."""
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )

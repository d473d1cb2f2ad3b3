"""Read queries of accounts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings

from sanke.accounts.models import managed_accounts
from sanke.core.scoping import scope_for


def users_managed_by(admin):
    """Accounts an admin may look after (see ``accounts.models.managed_accounts``)."""
    return managed_accounts(scope_for(admin))


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts django-axes currently locks (failures at or over the limit)."""
    return set(
        AccessAttempt.objects.filter(  # scope: django-axes' counters of accounts the caller already manages
            username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )

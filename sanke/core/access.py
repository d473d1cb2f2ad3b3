"""Fetching single objects through the user's scope.

Out of scope and missing look the same (404); visible but not changeable is 403. Views never call
``Model.objects.get`` themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from sanke.accounts.scope import Scope, scope_for


def access_object(model, user, pk, *, allowed: Callable[[Scope, object], bool] | None = None, queryset=None):
    """The object ``pk`` if the user may see it (else 404) and, given ``allowed``, change it (else 403)."""
    base = queryset if queryset is not None else model.objects.all()
    obj = get_object_or_404(base.visible_to(user), pk=pk)
    if allowed is not None and not allowed(scope_for(user), obj):
        raise PermissionDenied
    return obj


def require(condition: bool) -> None:
    """Raise 403 unless ``condition``; for pages a role may not open at all."""
    if not condition:
        raise PermissionDenied

"""Fetching single objects through the user's scope.

Out of scope and missing look the same (404); visible but not changeable is 403. Views, API and
consumers never call ``Model.objects.get`` themselves (``scripts/check_access.py`` enforces it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sanke.core.scoping import CHANGE, VIEW, Scope, scope_for

M = TypeVar("M")


def access_object(
    model: type[M],
    user,
    pk,
    *,
    action: str = VIEW,
    allowed: Callable[[Scope, Any], bool] | None = None,
    queryset=None,
) -> M:
    """The object ``pk`` if the user may see it (else 404) and, for ``action=CHANGE`` or given ``allowed``,
    change it (else 403)."""
    base = queryset if queryset is not None else model._default_manager.all()  # type: ignore[attr-defined]
    try:
        obj = base.visible_to(user).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as error:  # type: ignore[attr-defined]
        raise Http404 from error
    if action == CHANGE and not base.visible_to(user, CHANGE).filter(pk=obj.pk).exists():
        raise PermissionDenied
    if allowed is not None and not allowed(scope_for(user), obj):
        raise PermissionDenied
    return obj


async def aaccess_object(model: type[M], user, pk, *, action: str = VIEW, queryset=None) -> M:
    """``access_object`` for consumers (async): the same 404/403 answers, raised as the same errors."""
    return await sync_to_async(access_object)(model, user, pk, action=action, queryset=queryset)


def require(condition: bool) -> None:
    """Raise 403 unless ``condition``; for pages a role may not open at all."""
    if not condition:
        raise PermissionDenied

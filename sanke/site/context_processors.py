"""Navigation for the page shell: the menu entries apps registered, those the signed-in user may open."""

from __future__ import annotations

from django.urls import reverse

from sanke.core.composition import nav_entries
from sanke.core.scoping import scope_for


def _active_nav(request, entries) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    for entry in entries:
        if match.namespace and match.namespace in entry.namespaces:
            return entry.key
    name = match.url_name or ""
    # the longest matching prefix wins: "classroom_list" is a classroom page, not a class page
    prefixes = sorted(((p, e.key) for e in entries for p in e.url_prefixes), key=lambda i: -len(i[0]))
    return next((key for prefix, key in prefixes if name.startswith(prefix)), "") if name else ""


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    entries = [entry for entry in nav_entries() if entry.visible(scope)]
    items = [(entry.key, entry.label, entry.icon, reverse(entry.url_name)) for entry in entries]
    return {"nav_items": items, "user_scope": scope, "active_nav": _active_nav(request, nav_entries())}

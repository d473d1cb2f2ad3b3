"""The home page: one for every role, made of the parts apps registered (``core.composition``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sanke.core.composition import HomeContext, home_parts
from sanke.core.scoping import scope_for
from sanke.org.selectors import person_of


@login_required
def home(request):
    """What the user can reach and do, with friendly empty states; a terminal gets its big screen."""
    scope = scope_for(request.user)
    home = HomeContext(request=request, user=request.user, scope=scope, person=person_of(request.user))
    context = {"scope": scope, "person": home.person, "grants": scope.grants}
    template = "core/home.html"
    parts = home_parts()
    for part in parts:
        claimed = part.claim(home)
        if claimed:
            template = claimed
            break
    for part in parts:
        context.update(part.provide(home) or {})
    return render(request, template, context)

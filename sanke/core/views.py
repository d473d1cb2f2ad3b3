"""The audit log and the system status page (the home page is the site's: ``sanke.site.views``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dateparse import parse_date

from sanke.core.access import require
from sanke.core.composition import audit_labels
from sanke.core.models import AuditEvent
from sanke.core.pages import list_page
from sanke.core.scoping import scope_for
from sanke.core.status import run_checks


@login_required
def audit_list(request):
    require(scope_for(request.user).is_admin)
    events = AuditEvent.objects.visible_to(request.user).select_related("school")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    who = request.GET.get("who", "").strip()
    if who:
        events = events.filter(actor_username__icontains=who)
    since, until = (
        parse_date(request.GET.get("since", "") or ""),
        parse_date(request.GET.get("until", "") or ""),
    )
    if since:
        events = events.filter(created_at__date__gte=since)
    if until:
        events = events.filter(created_at__date__lte=until)
    return list_page(
        request,
        "core/audit_list.html",
        events,
        action=action,
        who=who,
        action_choices=audit_labels(),
        since=request.GET.get("since", ""),
        until=request.GET.get("until", ""),
    )


@login_required
def status(request):
    require(scope_for(request.user).is_operator)
    checks = run_checks()
    return render(request, "core/status.html", {"checks": checks, "all_ok": all(c.ok for c in checks)})

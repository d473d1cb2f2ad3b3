"""The audit log and the system status page (the home page is the site's: ``sanke.site.views``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sanke.core.access import require
from sanke.core.audit_display import describe_events
from sanke.core.composition import audit_labels
from sanke.core.models import AuditEvent
from sanke.core.pages import list_page
from sanke.core.params import query_date, query_text
from sanke.core.scoping import scope_for
from sanke.core.status import run_checks


@login_required
def audit_list(request):
    require(scope_for(request.user).is_admin)
    events = AuditEvent.objects.visible_to(request.user).select_related("school")
    action = query_text(request, "action")
    if action:
        events = events.filter(action__startswith=action)
    who = query_text(request, "who")
    if who:
        events = events.filter(actor_username__icontains=who)
    since, until = query_date(request, "since"), query_date(request, "until")
    if since:
        events = events.filter(created_at__date__gte=since)
    if until:
        events = events.filter(created_at__date__lte=until)
    return list_page(
        request,
        "core/audit_list.html",
        events,
        on_page=_describe,
        action=action,
        who=who,
        action_choices=audit_labels(),
        since=since.isoformat() if since else "",
        until=until.isoformat() if until else "",
    )


def _describe(page) -> None:
    """The page's rows with their actions and details in words (one query: the page itself)."""
    page.object_list = list(page.object_list)
    describe_events(page.object_list)


@login_required
def status(request):
    require(scope_for(request.user).is_operator)
    checks = run_checks()
    return render(request, "core/status.html", {"checks": checks, "all_ok": all(c.ok for c in checks)})

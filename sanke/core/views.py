"""Home page per role, the audit log and the system status page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from sanke.accounts.choices import Role
from sanke.core.access import require
from sanke.core.models import AuditEvent
from sanke.core.pages import list_page
from sanke.core.scoping import scope_for
from sanke.core.status import run_checks
from sanke.live.selectors import next_lesson_for_classrooms, todays_lessons
from sanke.notifications.selectors import notifications_for
from sanke.org import selectors as org_selectors


@login_required
def home(request):
    """One home for every role: what the user can reach and do, with friendly empty states."""
    scope = scope_for(request.user)
    person = org_selectors.person_of(request.user)
    context = {"scope": scope, "person": person, "grants": scope.grants}
    if scope.is_staff_role:
        context["counts"] = org_selectors.organisation_counts(request.user)
        context["recent_schools"] = org_selectors.recent_schools(request.user)
        context["notifications"] = notifications_for(request.user)
        context["todays_lessons"] = todays_lessons(request.user)
    if Role.CLASSROOM_TERMINAL in scope.roles and not scope.is_staff_role:
        context["classrooms"] = org_selectors.terminal_classrooms(request.user)
        context["next_lesson"] = next_lesson_for_classrooms(scope.classroom_ids)
        return render(request, "core/home_terminal.html", context)
    elif scope.has_role(Role.STUDENT) and person is not None and person.class_group_id:
        context["todays_lessons"] = todays_lessons(request.user, receiving_class_id=person.class_group_id)
    if scope.has_role(Role.GUARDIAN) and person is not None:
        context["wards"] = person.wards.select_related("school", "class_group__grade")
    return render(request, "core/home.html", context)


AUDIT_ACTION_CHOICES = [
    ("auth.login", _("Logins")),
    ("auth.login_failed", _("Failed logins")),
    ("accounts.role", _("Role changes")),
    ("accounts.", _("Accounts and passwords")),
    ("org.", _("Organisation changes")),
    ("org.import", _("Imports")),
    ("supervision.policy", _("Policy changes")),  # the policy action kept its first name
    ("alliances.", _("Alliances")),
    ("timetable.", _("Timetables and lessons")),
]


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
        action_choices=AUDIT_ACTION_CHOICES,
        since=request.GET.get("since", ""),
        until=request.GET.get("until", ""),
    )


@login_required
def status(request):
    require(scope_for(request.user).has_role(Role.BUREAU_ADMIN, Role.TECH_SUPPORT))
    checks = run_checks()
    return render(request, "core/status.html", {"checks": checks, "all_ok": all(c.ok for c in checks)})

"""Navigation for the page shell: which sections the signed-in user may open."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanke.accounts.choices import Role
from sanke.core.scoping import scope_for

_NAV_BY_URL_PREFIX = (
    ("region", "regions"),
    ("school", "schools"),
    ("grade", "schools"),
    ("classroom", "classrooms"),
    ("equipment", "classrooms"),
    ("class", "classes"),
    ("person", "people"),
    ("import", "import"),
    ("role", "roles"),
    ("account", "accounts"),
    ("policy", "policy"),
    ("audit", "audit"),
    ("status", "status"),
    ("home", "home"),
)
# Apps whose every page belongs to one menu entry.
_NAV_BY_NAMESPACE = {"alliances": "alliances", "timetable": "timetable", "policy": "policy"}


def _active_nav(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match and match.namespace in _NAV_BY_NAMESPACE:
        return _NAV_BY_NAMESPACE[match.namespace]
    name = match.url_name if match else ""
    for prefix, key in _NAV_BY_URL_PREFIX:
        if name and name.startswith(prefix):
            return key
    return ""


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    items = [("home", _("Home"), "ti-home", reverse("home"))]
    if scope.is_staff_role:
        items += [
            ("regions", _("Regions"), "ti-map-2", reverse("org:region_list")),
            ("schools", _("Schools"), "ti-school", reverse("org:school_list")),
            ("classes", _("Classes"), "ti-users-group", reverse("org:class_list")),
            ("classrooms", _("Classrooms"), "ti-device-tv", reverse("org:classroom_list")),
            ("people", _("People"), "ti-id-badge-2", reverse("org:person_list")),
            ("alliances", _("Alliances"), "ti-affiliate", reverse("alliances:list")),
            ("timetable", _("Sync lessons"), "ti-calendar-week", reverse("timetable:today")),
        ]
    if scope.is_admin:
        items += [
            ("import", _("Import"), "ti-file-import", reverse("org:import")),
            ("accounts", _("Accounts"), "ti-user-cog", reverse("accounts:account_list")),
            ("roles", _("Roles"), "ti-key", reverse("accounts:role_list")),
        ]
    if scope.is_staff_role:
        items.append(("policy", _("Policy targets"), "ti-target", reverse("policy:policy_list")))
    if scope.is_admin:
        items.append(("audit", _("Audit log"), "ti-history", reverse("core:audit_list")))
    if scope.has_role(Role.BUREAU_ADMIN, Role.TECH_SUPPORT):
        items.append(("status", _("System status"), "ti-heartbeat", reverse("core:status")))
    return {"nav_items": items, "user_scope": scope, "active_nav": _active_nav(request)}

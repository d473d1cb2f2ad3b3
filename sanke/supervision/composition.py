"""What supervision adds to the site: the dashboard in the menu (supervisors and teachers, who see their own
record)."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_actions, register_nav
from sanke.supervision.access import may_open_dashboard


def register() -> None:
    register_nav(
        NavEntry(
            "dashboard",
            _("Indicators"),
            "ti-chart-bar",
            "dashboard:home",
            55,
            may_open_dashboard,
            namespaces=("dashboard",),
        )
    )
    register_audit_actions({"supervision.report.requested": _("Term report requested")})

"""What supervision adds to the site: the dashboard in the menu (supervisors and teachers, who see their own
record), a panel of this week's figures on supervisors' home page, and its audit label."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanke.alliances.models import Alliance
from sanke.core.composition import (
    HomeContext,
    HomePart,
    NavEntry,
    register_audit_actions,
    register_home_part,
    register_nav,
)
from sanke.org.models import Region
from sanke.supervision.access import may_open_dashboard
from sanke.supervision.period import period_at
from sanke.supervision.places import widest_place
from sanke.supervision.selectors import figures, placement_of_region, placement_of_school


def home_panel(home: HomeContext) -> dict | None:
    """This week's and this term's headline figures of the place the user supervises."""
    if not home.scope.is_staff_role:
        return None
    place = widest_place(home.user, home.scope)
    if place is None:
        return None
    is_region = isinstance(place, Region)
    placement = placement_of_region(place) if is_region else placement_of_school(place)
    period = period_at(timezone.localdate(), Alliance.objects.visible_to(home.user))
    return {
        "indicator_panel": {
            "template": "supervision/_home_panel.html",
            "place": place,
            "url": reverse("dashboard:region" if is_region else "dashboard:school", args=[place.pk]),
            "week": figures(placement, *period.week_range),
            "term": figures(placement, *period.term),
        }
    }


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
    register_home_part(HomePart("supervision", 35, home_panel))
    register_audit_actions({"supervision.report.requested": _("Term report requested")})

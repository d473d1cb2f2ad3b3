"""What alliances adds to the site: the alliances menu and its audit label."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_labels, register_nav


def register() -> None:
    register_nav(
        NavEntry(
            "alliances",
            _("Alliances"),
            "ti-affiliate",
            "alliances:list",
            20,
            lambda scope: scope.is_staff_role,
            namespaces=("alliances",),
        )
    )
    register_audit_labels(50, ("alliances.", _("Alliances")))

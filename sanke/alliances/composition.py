"""What alliances adds to the site: the alliances menu and its audit label."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_details, register_audit_labels, register_nav


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
    # "alliances.alliance.created/updated" read by the model's name and its fields; one key is no field
    register_audit_details("alliances.", {"receiving_schools": _("Receiving schools and teaching points")})

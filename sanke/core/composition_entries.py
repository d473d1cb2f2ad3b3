"""What core adds to the site: the audit log and system status menus."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_nav


def register() -> None:
    register_nav(
        NavEntry(
            "audit",
            _("Audit log"),
            "ti-history",
            "core:audit_list",
            60,
            lambda s: s.is_admin,
            url_prefixes=("audit",),
        ),
        NavEntry(
            "status",
            _("System status"),
            "ti-heartbeat",
            "core:status",
            61,
            lambda s: s.is_operator,
            url_prefixes=("status",),
        ),
    )

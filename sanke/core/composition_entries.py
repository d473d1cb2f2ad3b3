"""What core adds to the site: the audit log and system status menus, how its own audit rows read."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_actions, register_audit_details, register_nav


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
    register_audit_actions({"core.field_key_rotated": _("Field encryption key rotated")})
    register_audit_details("core.", {"values": _("Values re-encrypted"), "tables": _("Tables")})

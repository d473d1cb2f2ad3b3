"""What accounts adds to the site: the account and role menus, its audit labels."""

from django.utils.translation import gettext_lazy as _

from sanke.accounts.choices import Role
from sanke.core.composition import (
    AuditDetail,
    NavEntry,
    register_audit_actions,
    register_audit_details,
    register_audit_labels,
    register_nav,
)


def _admin(scope) -> bool:
    return scope.is_admin


def register() -> None:
    register_nav(
        NavEntry(
            "accounts",
            _("Accounts"),
            "ti-user-cog",
            "accounts:account_list",
            41,
            _admin,
            url_prefixes=("account",),
        ),
        NavEntry("roles", _("Roles"), "ti-key", "accounts:role_list", 42, _admin, url_prefixes=("role",)),
    )
    register_audit_labels(
        10,
        ("auth.login", _("Logins")),
        ("auth.login_failed", _("Failed logins")),
        ("accounts.role", _("Role changes")),
        ("accounts.", _("Accounts and passwords")),
    )
    register_audit_actions(
        {
            "auth.login": _("Logged in"),
            "auth.logout": _("Logged out"),
            "auth.login_failed": _("Login failed"),
            "accounts.role.granted": _("Role granted"),
            "accounts.role.revoked": _("Role revoked"),
            "accounts.user.created": _("Account created"),
            "accounts.user.enabled": _("Account enabled"),
            "accounts.user.disabled": _("Account disabled"),
            "accounts.user.unlocked": _("Account unlocked"),
            "accounts.user.username_refused": _("Username refused (used outside your area)"),
            "accounts.password.changed": _("Password changed"),
            "accounts.password.reset": _("Password reset"),
            "accounts.terminal.code_created": _("Terminal pairing code issued"),
            "accounts.terminal.paired": _("Terminal paired"),
        }
    )
    register_audit_details(
        "accounts.",
        {
            "user": _("Account"),
            "username": _("Username"),
            "role": AuditDetail(_("Role"), show=lambda value: Role(value).label),
            "scope": _("Scope"),
        },
    )

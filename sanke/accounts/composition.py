"""What accounts adds to the site: the account and role menus, its audit labels."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_labels, register_nav


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

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sanke.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from sanke.accounts import signals  # noqa: F401  (connects the login audit receivers)
        from sanke.accounts.resolver import compute_scope
        from sanke.core.scoping import register_scope_resolver

        register_scope_resolver(compute_scope)
        from sanke.accounts import composition, demo

        composition.register()
        demo.register()

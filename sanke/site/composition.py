"""The site's own pieces: the home entry of the menu."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_nav


def register() -> None:
    register_nav(
        NavEntry("home", _("Home"), "ti-home", "home", 0, lambda scope: True, url_prefixes=("home",))
    )

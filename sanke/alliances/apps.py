from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "sanke.alliances"
    label = "alliances"
    verbose_name = _("Alliances")

    def ready(self) -> None:
        from sanke.alliances import composition, demo

        composition.register()
        demo.register()

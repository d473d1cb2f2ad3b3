from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "sanke.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from sanke.org import composition, demo

        composition.register()
        demo.register()

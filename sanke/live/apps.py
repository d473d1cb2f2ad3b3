from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "sanke.live"
    label = "live"
    verbose_name = _("Live lessons")

    def ready(self) -> None:
        from sanke.live import composition

        composition.register()

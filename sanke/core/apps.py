from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sanke.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from sanke.core import composition_entries

        composition_entries.register()
        from sanke.core import realtime

        realtime.connect_signals()  # sessions that end close their sockets

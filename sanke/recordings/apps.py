from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordingsConfig(AppConfig):
    name = "sanke.recordings"
    label = "recordings"
    verbose_name = _("Recordings")

    def ready(self) -> None:
        from sanke.recordings import composition, signals

        composition.register()
        signals.connect()

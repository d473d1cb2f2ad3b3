from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Indicators against each region's policy: the roll-up tables, dashboards and teacher records.

    It also keeps the migrations that first created ``Policy`` (the model moved to the ``policy`` app)."""

    name = "sanke.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from sanke.supervision import composition, hooks

        composition.register()
        hooks.connect_signals()

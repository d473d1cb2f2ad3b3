from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Indicators, dashboards and reports (a later issue). Its first model, ``Policy``, moved to the
    ``policy`` app, which sits low in the layers; this app keeps the migrations that created it."""

    name = "sanke.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

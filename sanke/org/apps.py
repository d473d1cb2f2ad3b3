from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "sanke.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from sanke.org import composition, demo, imports

        composition.register()
        demo.register()
        imports.register()  # the organisation's kinds on the import page (sanke.core.tabular_import)

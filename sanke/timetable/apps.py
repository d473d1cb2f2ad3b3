from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimetableConfig(AppConfig):
    name = "sanke.timetable"
    label = "timetable"
    verbose_name = _("Timetables")

    def ready(self) -> None:
        # The import page belongs to sanke.org, which must not depend on this app: register our kind.
        from sanke.core.tabular_import import register_import_kind
        from sanke.timetable.imports import TIMETABLE_IMPORT

        register_import_kind(TIMETABLE_IMPORT)
        from sanke.timetable import composition, demo

        composition.register()
        demo.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "sanke.live"
    label = "live"
    verbose_name = _("Live lessons")

    def ready(self) -> None:
        from sanke.live import composition
        from sanke.live.terminal_push import push_agenda_changes
        from sanke.timetable.events import lessons_changed

        composition.register()
        lessons_changed.connect(push_agenda_changes, dispatch_uid="live.push_agenda_changes")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notices to the people of a school; other apps call ``do_notify``."""

    name = "sanke.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from sanke.notifications import composition

        composition.register()

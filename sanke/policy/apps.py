from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    """Programme targets per region (weekly sync lessons, online-lesson quotas, workload coefficient,
    screen time), inherited down the region tree; read by timetable, live and supervision."""

    name = "sanke.policy"
    label = "policy"
    verbose_name = _("Policy targets")

    def ready(self) -> None:
        from sanke.policy import composition, demo

        composition.register()
        demo.register()

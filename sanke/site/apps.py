from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The composition layer: the navigation, each role's home page and the demo world, assembled from
    what every app registers in ``sanke.core.composition``. It sits above every app and nothing imports it."""

    name = "sanke.site"
    label = "sanke_site"  # "site" would collide with django.contrib.sites' table names
    verbose_name = _("Site")

    def ready(self) -> None:
        from sanke.site import composition

        composition.register()

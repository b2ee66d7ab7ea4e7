from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Socle")

    def ready(self) -> None:
        from apps.core import rules  # noqa: F401  (registers this app's permissions)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Socle")

    def ready(self) -> None:
        from apps.core import rules  # noqa: F401  (registers this app's permissions)
        from apps.core.health import connect_worker_signals

        # Celery workers write the heartbeat that /sante/ reads (no-op in web processes).
        connect_worker_signals()

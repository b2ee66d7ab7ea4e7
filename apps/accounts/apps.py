from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self):
        from apps.accounts import signals  # noqa: F401

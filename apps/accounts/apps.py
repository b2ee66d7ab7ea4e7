from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self):
        from django.contrib import admin

        from apps.accounts import signals  # noqa: F401
        from apps.accounts.views import admin_login, admin_password_change

        # The admin has no login of its own: ours asks for the second factor, and its
        # password form is ours too (re-authentication first).
        admin.site.login = admin_login
        admin.site.password_change = admin_password_change

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    verbose_name = _("Logements et ménages")

    def ready(self):
        from apps.core.registry import NavItem, registry
        from apps.tenants import rules  # noqa: F401  (registers the permissions)

        registry.add_nav(
            NavItem(_("Ménages"), "tenants:households", "tenants.view_households", order=20)
        )
        registry.add_nav(NavItem(_("Chantiers"), "tenants:works", "tenants.manage_works", order=26))

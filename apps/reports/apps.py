from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = _("Rapports et vue régionale")

    def ready(self):
        from apps.core.registry import NavItem, registry

        registry.add_nav(
            NavItem(_("Vue régionale"), "reports:region", "reports.view_region", order=70)
        )

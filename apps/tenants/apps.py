from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    verbose_name = _("Logements et ménages")

    def ready(self):
        from apps.core.registry import NavItem, RegionalMetric, registry
        from apps.tenants import queries, rules  # noqa: F401  (registers the permissions)

        registry.add_metric(
            RegionalMetric(
                "nouveaux_menages",
                _("Nouveaux ménages"),
                queries.new_households_by_slsp,
                21,
                True,
                per_semester=True,
                in_table=False,
            )
        )

        registry.add_nav(
            NavItem(_("Ménages"), "tenants:households", "tenants.view_households", order=20)
        )
        registry.add_nav(NavItem(_("Chantiers"), "tenants:works", "tenants.manage_works", order=26))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    verbose_name = _("Logements et ménages")

    def ready(self):
        from apps.core.registry import NavItem, RegionalMetric, SearchProvider, registry
        from apps.tenants import queries, rules, search  # noqa: F401  (rules: the permissions)

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

        registry.add_search_provider(
            SearchProvider(
                "households", _("Ménages"), search.search_households, 10, search.households_list_url
            )
        )
        registry.add_search_provider(
            SearchProvider("members", _("Membres des ménages"), search.search_members, 20)
        )
        registry.add_search_provider(
            SearchProvider("units", _("Logements"), search.search_units, 30)
        )

        registry.add_nav(
            NavItem(
                _("Ménages"),
                "tenants:households",
                "tenants.view_households",
                order=20,
                group="households",
            )
        )
        registry.add_nav(
            NavItem(
                _("Chantiers"),
                "tenants:works",
                "tenants.manage_works",
                order=26,
                group="households",
            )
        )

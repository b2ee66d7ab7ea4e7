from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlspsConfig(AppConfig):
    name = "apps.slsps"
    verbose_name = _("SLSP et réseau des référents")

    def ready(self):
        from apps.core.registry import HomePanel, NavItem, RegionalMetric, registry
        from apps.slsps import panels, queries, rules  # noqa: F401  (rules: permissions)

        registry.add_nav(NavItem(_("Accueil"), "core:home", "core.view_home", order=0))
        registry.add_nav(
            NavItem(_("Ma SLSP"), "slsps:mine", "slsps.view_own_slsp", order=10, group="steering")
        )
        registry.add_nav(
            NavItem(
                _("Stratégie"),
                "slsps:my_strategy",
                "slsps.view_own_slsp",
                order=12,
                group="steering",
            )
        )
        registry.add_nav(
            NavItem(
                _("Réseau des référents"),
                "slsps:network",
                "slsps.view_network",
                order=60,
                group="network",
            )
        )
        registry.add_nav(
            NavItem(
                _("Registre des SLSP"),
                "slsps:register",
                "slsps.view_register",
                order=80,
                group="steering",
            )
        )
        registry.add_panel(HomePanel("slsps/panels/my_slsps.html", panels.my_slsps, order=50))
        registry.add_panel(HomePanel("slsps/panels/region.html", panels.region, order=55))
        registry.add_panel(HomePanel("slsps/panels/network.html", panels.network, order=60))
        registry.add_metric(
            RegionalMetric(
                "postes", _("Postes de référent pourvus"), queries.filled_posts_by_slsp, 10
            )
        )
        registry.add_metric(
            RegionalMetric(
                "presences_reseau",
                _("Présences au réseau (année)"),
                queries.training_attendance_by_slsp,
                80,
            )
        )
        registry.add_metric(
            RegionalMetric(
                "presences_reseau_semestre",
                _("Présences au réseau"),
                queries.network_presences_by_slsp,
                81,
                per_semester=True,
                in_table=False,
            )
        )

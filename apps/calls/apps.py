from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "apps.calls"
    verbose_name = _("Appels à projets")

    def ready(self):
        from apps.calls import panels, queries, rules  # noqa: F401  (rules: permissions)
        from apps.core.registry import HomePanel, NavItem, RegionalMetric, registry

        registry.add_nav(
            NavItem(_("Appels à projets"), "calls:index", "calls.manage_calls", 60, group="calls")
        )
        # The direction finds here the dossiers it approves before submission.
        registry.add_nav(
            NavItem(
                _("Mes dossiers d'appel"),
                "calls:my_dossiers",
                "calls.view_my_dossiers",
                61,
                group="calls",
            )
        )
        registry.add_nav(
            NavItem(
                _("Bonnes pratiques"), "calls:library", "calls.draft_dossier", 62, group="calls"
            )
        )
        registry.add_nav(
            NavItem(_("Dossiers à évaluer"), "calls:jury_list", "calls.score", 63, group="calls")
        )
        registry.add_panel(HomePanel("calls/panels/coordinator.html", panels.coordinator, 60))
        registry.add_panel(HomePanel("calls/panels/referent.html", panels.referent, 61))
        registry.add_panel(HomePanel("calls/panels/juror.html", panels.juror, 62))
        registry.add_metric(
            RegionalMetric(
                "dossiers_appels", _("Dossiers d'appels déposés"), queries.dossiers_by_slsp, 60
            )
        )

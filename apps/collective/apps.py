from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectiveConfig(AppConfig):
    """Collective and community actions, beside individual accompaniment."""

    name = "apps.collective"
    verbose_name = _("Actions collectives")

    def ready(self) -> None:
        from apps.collective import queries, rules, search  # noqa: F401  (rules: the perms)
        from apps.core.registry import NavItem, RegionalMetric, SearchProvider, registry

        registry.add_search_provider(
            SearchProvider(
                "collective_actions",
                _("Actions collectives"),
                search.search_collective_actions,
                60,
            )
        )

        registry.add_nav(
            NavItem(
                _("Actions collectives"),
                "collective:collective_actions",
                "collective.view_collective_actions",
                26,
                group="network",
            )
        )
        registry.add_metric(
            RegionalMetric(
                "actions_collectives",
                _("Actions collectives"),
                queries.collective_actions_by_slsp,
                27,
            )
        )
        for key, label, compute, people in (
            ("seances", _("Séances collectives"), queries.sessions_by_slsp, False),
            ("participants", _("Participants"), queries.participants_by_slsp, True),
        ):
            registry.add_metric(
                RegionalMetric(key, label, compute, 27, people, per_semester=True, in_table=False)
            )

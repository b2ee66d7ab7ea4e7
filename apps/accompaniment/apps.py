from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "apps.accompaniment"
    verbose_name = _("Accompagnement social")

    def ready(self):
        from apps.accompaniment import panels, queries, sections
        from apps.core.registry import HomePanel, NavItem, RegionalMetric, registry

        registry.add_nav(
            NavItem(_("Suivis"), "accompaniment:follow_ups", "accompaniment.view_follow_ups", 22)
        )
        registry.add_nav(
            NavItem(_("À faire"), "accompaniment:work_lists", "accompaniment.view_work_lists", 24)
        )
        from apps.accompaniment import queries_collective

        registry.add_nav(
            NavItem(
                _("Actions collectives"),
                "accompaniment:collective_actions",
                "accompaniment.view_collective_actions",
                26,
            )
        )
        registry.add_metric(
            RegionalMetric(
                "actions_collectives",
                _("Actions collectives"),
                queries_collective.collective_actions_by_slsp,
                27,
            )
        )

        registry.add_household_section(
            HomePanel("accompaniment/household_section.html", sections.household_accompaniment)
        )
        # Referrals and the network view (issue 4, items 3, 4 and 6).
        from apps.accompaniment import referrals_queries, referrals_sections

        registry.add_nav(
            NavItem(
                _("Orientations"), "accompaniment:referrals", "accompaniment.view_referrals", 28
            )
        )
        registry.add_nav(
            NavItem(
                _("Réseau partenaires"), "accompaniment:network", "accompaniment.view_network", 29
            )
        )
        registry.add_household_section(
            HomePanel(
                "accompaniment/referrals/household_section.html",
                referrals_sections.household_referrals,
                order=110,
            )
        )
        registry.add_partner_section(
            HomePanel(
                "accompaniment/referrals/partner_section.html",
                referrals_sections.partner_referrals,
            )
        )
        registry.add_metric(
            RegionalMetric(
                "orientations",
                _("Orientations ce semestre"),
                referrals_queries.referrals_this_semester_by_slsp,
                28,
                True,
            )
        )
        registry.add_panel(
            HomePanel("accompaniment/panels/work_lists.html", panels.work_lists, order=15)
        )
        registry.add_metric(
            RegionalMetric(
                "suivis", _("Suivis actifs"), queries.active_follow_ups_by_slsp, 20, True
            )
        )
        registry.add_metric(
            RegionalMetric(
                "moments", _("Moments ce semestre"), queries.moments_this_semester_by_slsp, 25
            )
        )

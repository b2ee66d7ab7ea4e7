from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals to partners, the partner's signed link and the network statistics:
    above individual accompaniment, which knows nothing of them."""

    name = "apps.referrals"
    verbose_name = _("Orientations")

    def ready(self) -> None:
        from apps.accompaniment.hooks import consent_withdrawal_effects, on_consent_withdrawn
        from apps.core.registry import HomePanel, NavItem, RegionalMetric, SearchProvider, registry
        from apps.referrals import panels, queries, rules, search, sections, services  # noqa: F401

        registry.add_search_provider(
            SearchProvider("referrals", _("Orientations"), search.search_referrals, 50)
        )

        # A withdrawn consent stops every referral it covered, in the withdrawal's own
        # transaction (apps.accompaniment.services.withdraw_consent).
        on_consent_withdrawn.register(services.stop_sharing_on_withdrawal)
        # ...and its confirmation page says which ones, computed the same way.
        consent_withdrawal_effects.register(services.withdrawal_effects)

        registry.add_nav(
            NavItem(
                _("Orientations"),
                "referrals:referrals",
                "referrals.view_referrals",
                28,
                group="households",
            )
        )
        registry.add_nav(
            NavItem(
                _("Réseau partenaires"),
                "referrals:network",
                "referrals.view_network",
                29,
                group="network",
            )
        )
        registry.add_household_section(
            HomePanel(
                "referrals/household_section.html",
                sections.household_referrals,
                order=110,
                sheet_template="referrals/case_sheet.html",
            )
        )
        registry.add_panel(HomePanel("referrals/panels/overdue.html", panels.overdue, order=16))
        registry.add_partner_section(
            HomePanel("referrals/partner_section.html", sections.partner_referrals)
        )
        registry.add_metric(
            RegionalMetric(
                "orientations",
                _("Orientations"),
                queries.referrals_by_slsp,
                28,
                True,
                per_semester=True,
            )
        )

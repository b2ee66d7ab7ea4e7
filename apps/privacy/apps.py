from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data-subject rights and the access log viewer: the top app, it reads every other."""

    name = "apps.privacy"
    verbose_name = _("Protection des données")

    def ready(self):
        from apps.core.registry import HomePanel, NavItem, registry
        from apps.privacy import rules, sections  # noqa: F401  (rules: permissions)

        registry.add_nav(
            NavItem(
                _("Journal des accès"),
                "privacy:access_log",
                "privacy.view_access_log",
                90,
                group="steering",
            )
        )
        registry.add_household_section(
            HomePanel("privacy/household_section.html", sections.household_privacy, order=900)
        )

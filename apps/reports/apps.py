from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = _("Rapports et vue régionale")

    def ready(self):
        from apps.core.registry import HomePanel, NavItem, RegionalMetric, registry
        from apps.reports import desk, panels, queries, rules  # noqa: F401  (rules: permissions)

        registry.add_nav(
            NavItem(
                _("Vue régionale"),
                "reports:region",
                "reports.view_region",
                order=70,
                group="steering",
            )
        )
        registry.add_nav(
            NavItem(
                _("Rapports"),
                "reports:semester_list",
                "reports.view_semester_reports",
                order=60,
                group="steering",
            )
        )
        registry.add_nav(
            NavItem(
                _("Rapports régionaux"),
                "reports:regional_list",
                "reports.view_region",
                72,
                group="steering",
            )
        )
        registry.add_panel(
            HomePanel("reports/panels/semester_notice.html", panels.semester_notice, order=30)
        )
        registry.add_panel(HomePanel("reports/panels/desk.html", desk.panel, order=3))
        registry.add_metric(
            RegionalMetric(
                "rapport",
                _("Dernier rapport validé"),
                queries.last_validated_report_by_slsp,
                90,
            )
        )

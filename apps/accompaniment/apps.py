from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "apps.accompaniment"
    verbose_name = _("Accompagnement social")

    def ready(self) -> None:
        from apps.accompaniment import (  # noqa: F401
            agenda_views,
            attachments,
            panels,
            queries,
            rules,
            sections,
        )
        from apps.core.registry import HomePanel, NavItem, RegionalMetric, registry

        registry.add_nav(
            NavItem(_("Suivis"), "accompaniment:follow_ups", "accompaniment.view_follow_ups", 22)
        )
        registry.add_nav(
            NavItem(_("À faire"), "accompaniment:work_lists", "accompaniment.view_work_lists", 24)
        )
        registry.add_household_section(
            HomePanel(
                "accompaniment/household_section.html",
                sections.household_accompaniment,
                sheet_template="accompaniment/case_sheet/accompaniment.html",
            )
        )
        registry.add_household_section(
            HomePanel("accompaniment/agenda/household.html", agenda_views.household_agenda)
        )
        registry.add_nav(
            NavItem(_("Agenda"), "accompaniment:agenda", "accompaniment.view_agenda", 23)
        )
        registry.add_panel(
            HomePanel("accompaniment/panels/agenda.html", panels.agenda_work_list, order=14)
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

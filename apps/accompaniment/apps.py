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
            NavItem(
                _("Suivis"),
                "accompaniment:follow_ups",
                "accompaniment.view_follow_ups",
                22,
                group="households",
            )
        )
        registry.add_nav(
            NavItem(
                _("À faire"),
                "accompaniment:work_lists",
                "accompaniment.view_work_lists",
                24,
                group="households",
            )
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
            NavItem(
                _("Agenda"),
                "accompaniment:agenda",
                "accompaniment.view_agenda",
                order=23,
                group="households",
            )
        )
        registry.add_panel(
            HomePanel("accompaniment/panels/agenda.html", panels.agenda_work_list, order=14)
        )
        registry.add_panel(
            HomePanel("accompaniment/panels/work_lists.html", panels.work_lists, order=10)
        )
        # Semester figures: the regional table shows the current semester's; the reports,
        # the drill-down and the trends read the same functions for any semester.
        for key, label, compute, order, people, in_table in (
            (
                "suivis_ouverts",
                _("Suivis ouverts"),
                queries.opened_follow_ups_by_slsp,
                18,
                True,
                False,
            ),
            (
                "suivis",
                _("Suivis actifs"),
                queries.active_follow_ups_at_end_by_slsp,
                20,
                True,
                True,
            ),
            ("accueillis", _("Ménages accueillis"), queries.welcomed_by_slsp, 22, True, False),
            ("moments", _("Moments"), queries.moments_by_slsp, 25, False, True),
            (
                "relogements",
                _("Relogements accompagnés"),
                queries.relocations_by_slsp,
                29,
                True,
                False,
            ),
        ):
            registry.add_metric(
                RegionalMetric(
                    key, label, compute, order, people, per_semester=True, in_table=in_table
                )
            )

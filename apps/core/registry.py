"""Extension points so that lower apps never import higher ones.

Each app registers, in its AppConfig.ready(), the navigation entries and the home
panels it contributes; the core views only iterate over what was registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class NavItem:
    # Lazy: translated when the menu is drawn, in the request's language.
    label: StrOrPromise
    url_name: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """`build(request)` returns the template context, or None when the panel does not apply."""

    template: str
    build: Callable
    order: int = 100
    # For a household section: the print template of the household's case sheet, fed by
    # the same `build` (so the sheet shows what the page shows); "" keeps it off the sheet.
    sheet_template: str = ""


@dataclass(frozen=True)
class RegionalMetric:
    """One column of the SWL regional table, contributed by the app that owns the data.

    `compute(slsp_ids)` returns {slsp_id: number} in ONE aggregate query, so the
    regional pages cost the same for 3 or 68 SLSPs. `about_people` marks counts of
    households or persons: values from 1 to 4 are suppressed on regional pages.
    """

    key: str
    label: StrOrPromise
    compute: Callable
    order: int = 100
    about_people: bool = False


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)
    metrics: list[RegionalMetric] = field(default_factory=list)
    # Sections of the household page contributed by higher apps: build(request, household).
    household_sections: list[HomePanel] = field(default_factory=list)
    # Sections of a partner's page (directory) contributed by higher apps: build(request, partner).
    partner_sections: list[HomePanel] = field(default_factory=list)

    def add_partner_section(self, section: HomePanel) -> None:
        if section not in self.partner_sections:
            self.partner_sections.append(section)
            self.partner_sections.sort(key=lambda p: p.order)

    def add_household_section(self, section: HomePanel) -> None:
        if section not in self.household_sections:
            self.household_sections.append(section)
            self.household_sections.sort(key=lambda p: p.order)

    def add_metric(self, metric: RegionalMetric) -> None:
        if all(m.key != metric.key for m in self.metrics):
            self.metrics.append(metric)
            self.metrics.sort(key=lambda m: m.order)

    def add_nav(self, item: NavItem) -> None:
        if item not in self.nav:
            self.nav.append(item)
            self.nav.sort(key=lambda i: i.order)

    def add_panel(self, panel: HomePanel) -> None:
        if panel not in self.panels:
            self.panels.append(panel)
            self.panels.sort(key=lambda p: p.order)


registry = Registry()

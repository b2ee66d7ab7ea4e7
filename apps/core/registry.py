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
    # The key of a NavGroup (below); an item without a group is a top-level entry.
    group: str = ""


@dataclass(frozen=True)
class NavGroup:
    """A top-level entry of the menu gathering the entries of one task. A group with one
    entry the user may open is drawn as that entry; one with none is not drawn."""

    key: str
    label: StrOrPromise
    order: int = 100


# Bands of home panel orders (see HomePanel): overdue referrals take PANEL_WORK itself.
PANEL_WORK = 0
PANEL_REMINDERS = 30
PANEL_OVERVIEW = 50

# The tasks the menu is organised by: at most six top-level entries for any role.
HOUSEHOLDS = "households"
NETWORK = "network"
STEERING = "steering"
CALLS = "calls"


@dataclass(frozen=True)
class SearchHit:
    """One result of the header's search: what it is, where it leads, one line of context."""

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchProvider:
    """One kind of result of the header's search, contributed by the app that owns it.

    `search(user, query, limit)` returns at most `limit` SearchHits read through the app's
    own visibility function, in ONE query (apps/core/search.py says how text matches).
    `more(query)` optionally gives the URL of a list showing every match.
    """

    key: str
    label: StrOrPromise
    search: Callable
    order: int = 100
    more: Callable | None = None


@dataclass(frozen=True)
class HomePanel:
    """`build(request)` returns the template context, or None when the panel does not apply.

    On the home, `order` places the panel in one of three bands: what to do now first
    (PANEL_WORK: overdue referrals, then the other work lists), then reminders
    (PANEL_REMINDERS: reports to finish, agreements expiring), then reference cards
    (PANEL_OVERVIEW: the SLSP and its funded posts, the region, the network, calls).
    """

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
    # True: a figure of one semester, `compute(slsp_ids, semester)` with an
    # apps.core.periods.Semester. The regional table, the drill-down, the semestrial and
    # regional reports and their exports all read it, so one figure has one definition.
    # False: a state of today, `compute(slsp_ids)`, shown by the live regional table only.
    per_semester: bool = False
    # False: published for the reports only (not a column of the live regional table).
    in_table: bool = True


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    nav_groups: list[NavGroup] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)
    metrics: list[RegionalMetric] = field(default_factory=list)
    # Sections of the household page contributed by higher apps: build(request, household).
    household_sections: list[HomePanel] = field(default_factory=list)
    # Sections of a partner's page (directory) contributed by higher apps: build(request, partner).
    partner_sections: list[HomePanel] = field(default_factory=list)
    search_providers: list[SearchProvider] = field(default_factory=list)

    def add_search_provider(self, provider: SearchProvider) -> None:
        if all(p.key != provider.key for p in self.search_providers):
            self.search_providers.append(provider)
            self.search_providers.sort(key=lambda p: p.order)

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

    def metric(self, key: str) -> RegionalMetric:
        """The registered figure `key` (KeyError if no app publishes it)."""
        for metric in self.metrics:
            if metric.key == key:
                return metric
        raise KeyError(key)

    def semester_metrics(self) -> list[RegionalMetric]:
        return [m for m in self.metrics if m.per_semester]

    def add_nav(self, item: NavItem) -> None:
        if item not in self.nav:
            self.nav.append(item)
            self.nav.sort(key=lambda i: i.order)

    def add_nav_group(self, group: NavGroup) -> None:
        if all(g.key != group.key for g in self.nav_groups):
            self.nav_groups.append(group)
            self.nav_groups.sort(key=lambda g: g.order)

    def add_panel(self, panel: HomePanel) -> None:
        if panel not in self.panels:
            self.panels.append(panel)
            self.panels.sort(key=lambda p: p.order)


def _default_groups() -> Registry:
    from django.utils.translation import gettext_lazy as _

    built = Registry()
    for group in (
        NavGroup(HOUSEHOLDS, _("Ménages et suivis"), 20),
        NavGroup(NETWORK, _("Réseau et actions"), 40),
        NavGroup(STEERING, _("Pilotage"), 60),
        NavGroup(CALLS, _("Appels à projets"), 80),
    ):
        built.add_nav_group(group)
    return built


registry = _default_groups()

"""Extension points so that lower apps never import higher ones.

Each app registers, in its AppConfig.ready(), the navigation entries and the home
panels it contributes; the core views only iterate over what was registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """`build(request)` returns the template context, or None when the panel does not apply."""

    template: str
    build: Callable
    order: int = 100


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)

    def add_nav(self, item: NavItem) -> None:
        if item not in self.nav:
            self.nav.append(item)
            self.nav.sort(key=lambda i: i.order)

    def add_panel(self, panel: HomePanel) -> None:
        if panel not in self.panels:
            self.panels.append(panel)
            self.panels.sort(key=lambda p: p.order)


registry = Registry()

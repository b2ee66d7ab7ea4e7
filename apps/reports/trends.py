"""Trends: each semester figure against the previous semester and the same semester a
year before, with a small server-side SVG chart.

Each semester's figures are the ones the apps publish (the registry), protected as a
whole regional table (`protect_table`), exactly as the regional table of that semester
would show them (`apps.reports.regional.semester_figures`, which caches past semesters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from apps.core.charts import PALETTE, hbar_chart
from apps.core.disclosure import ProtectedTable, protect_table
from apps.core.periods import Semester
from apps.core.registry import registry
from apps.reports.regional import region_paths, semester_figures
from apps.slsps.models import Slsp


@dataclass
class Trend:
    key: str
    label: Any
    # (semester, shown value), oldest first: a year before, previous, this one.
    points: list[tuple[Semester, int | str]] = field(default_factory=list)

    @property
    def chart(self) -> SafeString:
        return hbar_chart(
            [(str(s), 0 if isinstance(v, str) else v, str(v)) for s, v in self.points],
            width=260,
            bar_height=10,
            label_width=60,
            color=PALETTE[1],
        )

    @property
    def values(self) -> list[int | str]:
        return [v for _s, v in self.points]


def compared(semester: Semester) -> list[Semester]:
    return [semester.same_last_year(), semester.previous(), semester]


def protected_figures(
    semester: Semester, region: Iterable[Slsp], figures: dict | None = None
) -> ProtectedTable:
    slsps = list(region)
    ids = [s.pk for s in slsps]
    metrics = registry.semester_metrics()
    return protect_table(
        figures if figures is not None else semester_figures(semester, ids),
        {m.key: m.about_people for m in metrics},
        region_paths(slsps),
    )


def regional_trends(
    region: Iterable[Slsp], semester: Semester | None = None, figures: dict | None = None
) -> list[Trend]:
    """Regional totals of every semester figure over three semesters (`figures`: this
    semester's, when the caller already has them)."""
    slsps = list(region)
    ids = [s.pk for s in slsps]
    semester = semester or Semester.current()
    tables = [
        (s, protected_figures(s, slsps, figures if s == semester else None))
        for s in compared(semester)
    ]
    return [
        Trend(m.key, m.label, [(s, t.total_of(ids, m.key)) for s, t in tables])
        for m in registry.semester_metrics()
    ]


def slsp_trends(
    slsp: Slsp,
    region: Iterable[Slsp],
    semester: Semester | None = None,
    figures: dict | None = None,
) -> list[Trend]:
    """One SLSP's line of each semester's protected regional table (the drill-down)."""
    slsps = list(region)
    semester = semester or Semester.current()
    tables = [
        (s, protected_figures(s, slsps, figures if s == semester else None))
        for s in compared(semester)
    ]
    return [
        Trend(m.key, m.label, [(s, t.cell(slsp.pk, m.key)) for s, t in tables])
        for m in registry.semester_metrics()
    ]


def own_trends(slsp_id: int, semester: Semester) -> list[Trend]:
    """An SLSP's own figures (its staff's report: nothing hidden) over three semesters."""
    semesters = compared(semester)
    figures = [(s, semester_figures(s, [slsp_id])) for s in semesters]
    return [
        Trend(m.key, m.label, [(s, f[m.key][slsp_id]) for s, f in figures])
        for m in registry.semester_metrics()
    ]

"""The SWL regional table: one line per SLSP, counts only, small counts suppressed.

Columns come from the `RegionalMetric`s the apps register (apps/core/registry.py):
each costs one aggregate query, whatever the number of SLSPs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.disclosure import UNKNOWN, protect_table
from apps.core.periods import Semester
from apps.core.registry import registry
from apps.slsps import queries as slsp_queries
from apps.slsps.models import Slsp

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class Column:
    key: str
    label: StrOrPromise
    about_people: bool = False


@dataclass
class Row:
    slsp: Slsp
    values: list = field(default_factory=list)

    @property
    def cells(self) -> list[str]:
        # Counts are whole numbers shown without grouping: str() gives what {{ value }}
        # would, without localising 750 numbers one by one in the template.
        return [str(value) for value in self.values]

    def sort_value(self, index: int):
        # Hidden and unknown values sort together, before every number: their place
        # among the numbers would tell their bounds.
        value = self.values[index]
        return (0, 0) if isinstance(value, str) else (1, value)


@dataclass
class RegionalTable:
    columns: list[Column]
    rows: list[Row]
    totals: list
    semester: Semester | None = None
    # Some value is unknown ("—"): the page says it is left out of the totals.
    has_unknown: bool = False
    # Raw semester figures of the whole region (for the trends, never shown as such).
    figures: dict = field(default_factory=dict, repr=False)

    @property
    def total_cells(self) -> list[str]:
        return [str(value) for value in self.totals]

    def sorted_by(self, key: str) -> RegionalTable:
        descending = key.startswith("-")
        key = key.lstrip("-")
        if key == "province":
            rows = sorted(
                self.rows, key=lambda r: (r.slsp.get_province_display(), r.slsp.official_name)
            )
        elif key in {c.key for c in self.columns}:
            index = [c.key for c in self.columns].index(key)
            rows = sorted(self.rows, key=lambda r: (r.sort_value(index), r.slsp.official_name))
        else:
            rows = sorted(self.rows, key=lambda r: r.slsp.official_name.lower())
        if descending:
            rows.reverse()
        return RegionalTable(
            self.columns, rows, self.totals, self.semester, self.has_unknown, self.figures
        )


def region_paths(slsps: Iterable[Slsp]) -> dict[int, tuple[str, str]]:
    """The groups a coordinator can total on (the filters of the regional table): real or
    demonstration SLSPs, then the province. Every output protects its counts on these."""
    return {s.pk: ("demo" if s.is_demo else "reelles", s.province or "") for s in slsps}


def build_table(
    slsps: Iterable[Slsp],
    *,
    region: Iterable[Slsp] | None = None,
    semester: Semester | None = None,
) -> RegionalTable:
    """The rows `slsps` (a filter of the region) with the figures of `semester` (the
    current one by default). Disclosure control runs on the whole region, once, and a
    filtered view only reads from it: its totals are sums of published groups, so
    filtering, sorting or exporting tells nothing more than the full table."""
    semester = semester or Semester.current()
    shown_rows = list(slsps)
    everyone = list(region) if region is not None else list(Slsp.objects.all())
    ids = [s.pk for s in everyone]
    columns = [Column("logements", _("Logements"))]
    raw: dict[str, dict] = {"logements": {s.pk: s.housing_units for s in everyone}}
    figures = semester_figures(semester, ids)
    for metric in registry.metrics:
        if not metric.in_table:
            continue
        columns.append(Column(metric.key, metric.label, metric.about_people))
        raw[metric.key] = figures[metric.key] if metric.per_semester else metric.compute(ids)
    counts = {c.key: raw[c.key] for c in columns if _is_count(raw[c.key])}
    for key in counts:
        if key != "logements":
            # An aggregate query returns no line for an SLSP without any: that is a 0.
            counts[key] = {i: counts[key].get(i, 0) for i in ids}
    protected = protect_table(
        counts, {c.key: c.about_people for c in columns}, region_paths(everyone)
    )
    shown_ids = [s.pk for s in shown_rows]

    def cell(column: Column, slsp_id: int):
        if column.key in protected.column:
            return protected.cell(slsp_id, column.key)
        value = raw[column.key].get(slsp_id)
        return UNKNOWN if value in (None, "") else value

    rows = [Row(s, [cell(c, s.pk) for c in columns]) for s in shown_rows]
    totals = [
        protected.total_of(shown_ids, c.key) if c.key in protected.column else "" for c in columns
    ]
    counted = [i for i, c in enumerate(columns) if c.key in protected.column]
    unknown = any(row.values[i] == UNKNOWN for row in rows for i in counted)
    return RegionalTable(
        columns, rows, totals, semester=semester, has_unknown=unknown, figures=figures
    )


# How long the regional figures of a semester are kept (seconds): the running semester's
# a minute (the coordinators' pages then agree with each other and cost one computation
# a minute), a past one's ten (late entries still change them).
CURRENT_TTL = 60
PAST_TTL = 600


def semester_figures(semester: Semester, ids: list[int]) -> dict[str, dict[int, int]]:
    """Every published semester figure of these SLSPs: one aggregate query each, kept a
    short while in the cache (the table, the drill-down and three semesters of trends
    must not recount the region on every view)."""
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:16]
    key = f"reports:figures:{semester}:{digest}"
    found = cache.get(key)
    if found is not None:
        return found
    figures = {}
    for metric in registry.semester_metrics():
        values = metric.compute(ids, semester)
        # No line for an SLSP is a 0; an app may say None (unknown).
        figures[metric.key] = {i: values.get(i, 0) for i in ids}
    ttl = PAST_TTL if semester < Semester.current() else CURRENT_TTL
    cache.set(key, figures, ttl)
    return figures


def _is_count(values: dict) -> bool:
    return all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values.values()
    )


def export_rows(table: RegionalTable) -> list[list]:
    header = [str(_("SLSP")), str(_("Province")), str(_("Commune du siège"))]
    header += [str(c.label) for c in table.columns]
    lines = [header]
    for row in table.rows:
        slsp = row.slsp
        lines.append(
            [slsp.official_name, slsp.get_province_display(), slsp.head_office_commune, *row.values]
        )
    lines.append([str(_("Total régional")), "", "", *table.totals])
    return lines


def network_overview(slsp) -> dict:
    """The drill-down's strategy and network part: titles of the SLSP's objectives and
    priority axes (this year and last) and attendance counts, never a description or
    a person's name. Two queries."""
    year = timezone.localdate().year
    return {
        "strategies": slsp_queries.strategy_titles(slsp, [year, year - 1]),
        "attendance": slsp_queries.attendance_summary(slsp),
    }

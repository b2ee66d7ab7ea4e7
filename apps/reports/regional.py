"""The SWL regional table: one line per SLSP, counts only, small counts suppressed.

Columns come from the `RegionalMetric`s the apps register (apps/core/registry.py):
each costs one aggregate query, whatever the number of SLSPs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from apps.core.disclosure import SUPPRESSED, suppress
from apps.core.registry import registry
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
        value = self.values[index]
        return -1 if value == SUPPRESSED else value


@dataclass
class RegionalTable:
    columns: list[Column]
    rows: list[Row]
    totals: list

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
        return RegionalTable(self.columns, rows, self.totals)


def build_table(slsps) -> RegionalTable:
    slsps = list(slsps)
    ids = [s.pk for s in slsps]
    columns = [Column("logements", _("Logements"))]
    raw = {"logements": {s.pk: s.housing_units or 0 for s in slsps}}
    for metric in registry.metrics:
        columns.append(Column(metric.key, metric.label, metric.about_people))
        raw[metric.key] = metric.compute(ids)
    rows = [
        Row(s, [suppress(raw[c.key].get(s.pk, 0), c.about_people) for c in columns]) for s in slsps
    ]
    totals = [suppress(sum(raw[c.key].get(i, 0) for i in ids), c.about_people) for c in columns]
    return RegionalTable(columns, rows, totals)


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
    from django.utils import timezone

    from apps.slsps import queries as slsp_queries

    year = timezone.localdate().year
    return {
        "strategies": slsp_queries.strategy_titles(slsp, [year, year - 1]),
        "attendance": slsp_queries.attendance_summary(slsp),
    }

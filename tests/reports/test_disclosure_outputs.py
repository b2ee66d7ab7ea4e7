"""Every coordinator output of the regional figures, taken together, lets no hidden count
be worked out: the page (unfiltered, filtered by province and by kind, sorted), its CSV
and XLSX, the API, the drill-down of each SLSP and the regional report's tables.

Hypothesis draws the counts of a figure about people over SLSPs of several provinces
(real and demonstration); the adversary of tests/core/disclosure_audit.py solves each
hidden number's min and max over all of it with linear programming.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from apps.core import registry as registry_module
from apps.core.disclosure import UNKNOWN
from apps.core.registry import RegionalMetric
from apps.reports import regional_report
from apps.reports.regional import region_paths
from apps.slsps.models import Province, Slsp
from tests.api.conftest import tokens  # noqa: F401, F811  (the SWL token)
from tests.core.disclosure_audit import derivable
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db
KEY = "suivis"


@pytest.fixture
def region(world, monkeypatch):
    """Eight SLSPs in three provinces, one a demonstration; a figure about people whose
    counts each example sets."""
    Slsp.objects.filter(pk=world.slsp_b.pk).update(province=Province.LIEGE, is_demo=False)
    Slsp.objects.filter(pk=world.slsp_a.pk).update(is_demo=False)
    for i, province in enumerate([Province.NAMUR, Province.LIEGE, Province.HAINAUT] * 2):
        SlspFactory(official_name=f"SLSP {i:02d}", province=province, is_demo=i == 5)
    counts: dict[int, int | None] = {}
    people = RegionalMetric(
        KEY, "Suivis actifs", lambda ids, semester: dict(counts), 20, True, per_semester=True
    )
    monkeypatch.setattr(registry_module.registry, "metrics", [people])
    return counts


def _page(client, query=""):
    table = client.get(f"/rapports/region/{query}").context["table"]
    index = [c.key for c in table.columns].index(KEY)
    return [(r.slsp.pk, r.values[index]) for r in table.rows], table.totals[index]


def _cell(text: str):
    if text in ("", None):
        return None
    try:
        return int(text)
    except (TypeError, ValueError):
        return text


def collect(world, client, tokens_client) -> list[tuple[frozenset, object]]:
    slsps = list(Slsp.objects.all())
    by_name = {s.official_name: s.pk for s in slsps}
    published: list[tuple[frozenset, object]] = []

    def add(rows, total):
        ids = [pk for pk, _v in rows]
        for pk, value in rows:
            published.append((frozenset([pk]), value))
        published.append((frozenset(pk for pk, v in rows if v != UNKNOWN), total))
        return ids

    queries = ["", "?tri=-suivis", "?tri=suivis", "?kind=reelles", "?kind=demo"]
    queries += [f"?province={p}" for p in (Province.NAMUR, Province.LIEGE, Province.HAINAUT)]
    queries += [f"?province={Province.NAMUR}&kind=reelles"]
    for query in queries:
        add(*_page(client, query))
        # CSV and XLSX of the same view: the same numbers.
        raw = client.get(f"/rapports/region/export.csv{query}").content.decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(raw), delimiter=";"))
        col = lines[0].index("Suivis actifs")
        add([(by_name[line[0]], _cell(line[col])) for line in lines[1:-1]], _cell(lines[-1][col]))
        book = load_workbook(io.BytesIO(client.get(f"/rapports/region/export.xlsx{query}").content))
        sheet = list(book.active.iter_rows(values_only=True))
        col = list(sheet[0]).index("Suivis actifs")
        add([(by_name[r[0]], _cell(r[col])) for r in sheet[1:-1]], _cell(sheet[-1][col]))
        body = tokens_client.get(f"/api/v1/regional/{query}").json()
        add([(by_name[r["slsp"]], r["values"][KEY]) for r in body["rows"]], body["totals"][KEY])
    for slsp in slsps:
        facts = client.get(f"/rapports/region/{slsp.uuid}/").context["facts"]
        value = next(v for column, v in facts if column.key == KEY)
        published.append((frozenset([slsp.pk]), value))
    return published


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40), st.none()),
        min_size=8,
        max_size=8,
    )
)
def test_no_output_lets_a_hidden_count_be_worked_out(
    world,
    client_for,
    region,
    tokens,  # noqa: F811
    values,
):
    cache.clear()
    slsps = list(Slsp.objects.order_by("pk"))
    region.clear()
    region.update({s.pk: v for s, v in zip(slsps, values, strict=True)})
    published = collect(world, client_for("coordinateur"), tokens.client("swl"))
    # The regional report of a semester: its lines, totals and province chart.
    results = [{"slsp_id": s.pk, KEY: v} for s, v in zip(slsps, values, strict=True)]
    view = regional_report.table(results)
    index = [str(c) for c in view["columns"]].index("Suivis actifs")
    names = {s.official_name: s.pk for s in slsps}
    for line in view["lines"]:
        published.append((frozenset([names[line["name"]]]), line["values"][index]))
    groups = {}
    for pk, path in region_paths(slsps).items():
        for depth in range(3):
            groups.setdefault(path[:depth], set()).add(pk)
    known = {s.pk for s, v in zip(slsps, values, strict=True) if v is not None}
    group_sets = [frozenset(g & known) for g in groups.values()]
    published.append((frozenset(known), view["totals"][index]))
    assert derivable(published, group_sets) == []
    # Every output agrees with the page for each SLSP.
    shown: dict[int, set] = {}
    for rows, value in published:
        if len(rows) == 1:
            shown.setdefault(next(iter(rows)), set()).add(str(value))
    assert all(len(v) == 1 for v in shown.values()), shown

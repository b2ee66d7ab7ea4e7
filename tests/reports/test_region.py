import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.disclosure import MASKED, SUPPRESSED, suppress
from apps.core.registry import RegionalMetric
from apps.reports.regional import build_table
from apps.slsps.models import Province, Slsp
from tests.slsps.factories import ReferentPostFactory, SlspFactory

pytestmark = pytest.mark.django_db


def test_small_counts_about_people_are_suppressed():
    assert suppress(0, True) == 0
    assert [suppress(n, True) for n in (1, 4)] == [SUPPRESSED, SUPPRESSED]
    assert suppress(5, True) == 5
    # Counts of staff or agreements are not about tenants: shown as they are.
    assert suppress(3, False) == 3


def test_table_sums_and_suppresses_per_column(world, monkeypatch):
    from apps.core import registry as registry_module

    people = RegionalMetric(
        "menages", "Ménages", lambda ids: {world.slsp_a.pk: 3, world.slsp_b.pk: 7}, 1, True
    )
    monkeypatch.setattr(registry_module.registry, "metrics", [people])
    table = build_table(Slsp.objects.order_by("official_name"))
    values = {row.slsp.official_name: row.values for row in table.rows}
    assert values["SLSP A de test"][1] == SUPPRESSED
    # Showing 7 beside a total of 10 would give A's 3 by subtraction (it did): the
    # second cell of the column is hidden too, the total stays.
    assert values["SLSP B de test"][1] == MASKED
    assert table.totals[1] == 10


def test_coordinator_sees_every_slsp_with_counts(client_for, world):
    ReferentPostFactory(slsp=world.slsp_a)  # a second filled post in SLSP A
    response = client_for("coordinateur").get(reverse("reports:region"))
    assert response.status_code == 200
    table = response.context["table"]
    posts = [c.key for c in table.columns].index("postes")
    values = {r.slsp.official_name: r.values[posts] for r in table.rows}
    assert values == {"SLSP A de test": 2, "SLSP B de test": 1}


def test_filter_by_province_and_sort(client_for, world):
    SlspFactory(official_name="Liège 1", province=Province.LIEGE, housing_units=10)
    SlspFactory(official_name="Liège 2", province=Province.LIEGE, housing_units=900)
    response = client_for("coordinateur").get(
        reverse("reports:region"), {"province": Province.LIEGE, "tri": "-logements"}
    )
    assert [r.slsp.official_name for r in response.context["table"].rows] == ["Liège 2", "Liège 1"]


def test_bad_filter_input_is_not_a_500(client_for, world):
    response = client_for("coordinateur").get(
        reverse("reports:region"), {"province": "ZZ", "tri": "'; drop table", "kind": "peut-être"}
    )
    assert response.status_code == 200


def test_csv_and_xlsx_hold_the_same_lines(client_for, world):
    client = client_for("coordinateur")
    csv_response = client.get(reverse("reports:region_csv"))
    assert csv_response["Content-Disposition"].startswith("attachment;")
    text = csv_response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][:2] == ["SLSP", "Province"]
    assert {line[0] for line in lines[1:-1]} == {"SLSP A de test", "SLSP B de test"}
    assert lines[-1][0] == "Total régional"

    xlsx_response = client.get(reverse("reports:region_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    xlsx_lines = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_lines == lines


def test_regional_pages_hold_no_personal_data(client_for, world):
    client = client_for("coordinateur")
    referent = world.users["referent_a"]
    for name in ("reports:region", "reports:region_csv"):
        body = client.get(reverse(name)).content.decode("utf-8-sig")
        assert referent.last_name not in body and referent.email not in body
    overview = client.get(reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid}))
    assert referent.last_name not in overview.content.decode()


@pytest.mark.parametrize("name", ["reports:region", "reports:region_csv", "reports:region_xlsx"])
def test_query_count_is_the_same_for_3_and_68_slsps(client_for, world, name):
    client = client_for("coordinateur")
    counts = []
    for extra in (1, 65):
        for slsp in SlspFactory.create_batch(extra):
            ReferentPostFactory(slsp=slsp)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(ctx))
    assert Slsp.objects.count() == 68
    assert counts[0] == counts[1], counts

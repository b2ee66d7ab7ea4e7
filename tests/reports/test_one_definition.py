"""One definition per figure: the network page, the semestrial report, the regional table,
the drill-down and the regional report print the same "Partenaires dans le réseau"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.core.periods import Semester
from apps.core.registry import registry
from apps.reports import indicators, regional_report
from apps.reports.models import RegionalReport
from tests.partners.factories import AgreementFactory, PartnerFactory, SlspPartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_partner(world):
    """SLSP A's network: one partner with three agreements with A, shared with SLSP B
    (one agreement), and a second partner without any."""
    with scopes_disabled():
        shared, other = PartnerFactory(), PartnerFactory()
        SlspPartnerFactory(slsp=world.slsp_a, partner=shared)
        SlspPartnerFactory(slsp=world.slsp_a, partner=other)
        SlspPartnerFactory(slsp=world.slsp_b, partner=shared)
        for _ in range(3):
            AgreementFactory(slsp=world.slsp_a, partner=shared)
        AgreementFactory(slsp=world.slsp_b, partner=shared)
    return world


def test_a_partner_counts_once_however_many_agreements(shared_partner, client_for):
    world = shared_partner
    now = Semester.current()
    with scopes_disabled():
        report = indicators.compute(world.slsp_a.pk, now.year, now.half)
    # Before: one per (link, agreement) row of a join, 4 here.
    assert report["partners"]["linked"] == 2
    assert sum(r["partners"] for r in report["partners"]["by_type"]) == 2
    assert report["partners"]["agreements_active"] == 3

    page = client_for("referent_a").get(
        reverse("referrals:network_slsp", kwargs={"uuid": world.slsp_a.uuid})
    )
    assert page.context["network"]["partner_count"] == 2

    coordinator = client_for("coordinateur")
    table = coordinator.get(reverse("reports:region")).context["table"]
    index = [c.key for c in table.columns].index("partenaires")
    values = {r.slsp.pk: r.values[index] for r in table.rows}
    assert values[world.slsp_a.pk] == 2 and values[world.slsp_b.pk] == 1

    facts = coordinator.get(
        reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid})
    ).context["facts"]
    assert dict((c.key, v) for c, v in facts)["partenaires"] == 2

    with scopes_disabled():
        build = RegionalReport.objects.create(year=now.year, semester=now.half, slsp_count=2)
        line = regional_report.slsp_figures(build.pk, world.slsp_a.pk, now.year, now.half)
    assert line["partenaires"] == 2


def test_every_report_figure_is_published_by_its_app():
    keys = {m.key for m in registry.semester_metrics()}
    assert {
        "suivis_ouverts",
        "suivis",
        "moments",
        "nouveaux_menages",
        "accueillis",
        "orientations",
        "seances",
        "participants",
        "relogements",
        "partenaires",
        "conventions",
        "presences_reseau_semestre",
    } <= keys
    owners = {m.key: m.compute.__module__ for m in registry.semester_metrics()}
    assert owners["partenaires"] == "apps.partners.queries"
    assert owners["orientations"] == "apps.referrals.queries"
    assert owners["nouveaux_menages"] == "apps.tenants.queries"
    assert all(not module.startswith("apps.reports") for module in owners.values())


def test_reports_assemble_without_raw_sql_or_local_imports():
    import ast
    import pathlib

    root = pathlib.Path(indicators.__file__).parent
    for name in ("indicators.py", "regional.py", "regional_report.py"):
        text = (root / name).read_text()
        assert "cursor" not in text and "connection" not in text, name
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                local = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert not local, (name, node.name)


def test_last_validated_report_is_the_real_one(world, client_for):
    """It showed 0 for every SLSP (a 0/1 flag for one semester only)."""
    from apps.reports.models import ReportStatus, SemesterReport

    with scopes_disabled():
        for year, half in ((2024, 2), (2025, 2), (2025, 1)):
            SemesterReport.objects.create(
                slsp=world.slsp_a, year=year, semester=half, status=ReportStatus.VALIDATED
            )
        SemesterReport.objects.create(slsp=world.slsp_b, year=2026, semester=1)  # a draft
    table = client_for("coordinateur").get(reverse("reports:region")).context["table"]
    index = [c.key for c in table.columns].index("rapport")
    values = {r.slsp.pk: r.values[index] for r in table.rows}
    assert values == {world.slsp_a.pk: "2025-S2", world.slsp_b.pk: "—"}
    assert table.totals[index] == ""


def test_unknown_values_show_a_dash_stay_out_of_totals_with_a_note(world, client_for):
    """They were added as 0."""
    from apps.slsps.models import Slsp

    Slsp.objects.filter(pk=world.slsp_b.pk).update(housing_units=None)
    Slsp.objects.filter(pk=world.slsp_a.pk).update(housing_units=1200)
    response = client_for("coordinateur").get(reverse("reports:region"))
    table = response.context["table"]
    values = {r.slsp.pk: r.values[0] for r in table.rows}
    assert values == {world.slsp_a.pk: 1200, world.slsp_b.pk: "—"}
    assert table.totals[0] == 1200
    assert "valeur inconnue, laissée en dehors des totaux" in response.content.decode()


def test_trends_compare_three_semesters_on_every_coordinator_output(world, client_for):
    from tests.reports.factories import make_activity

    make_activity(world.slsp_a, world.users["referent_a"], scale=6)
    coordinator = client_for("coordinateur")
    page = coordinator.get(reverse("reports:region"))
    now = Semester.current()
    trends = {t.key: t for t in page.context["trends"]}
    assert [s for s, _v in trends["suivis"].points] == [now.same_last_year(), now.previous(), now]
    # This semester's regional total in the trend is the table's total.
    table = page.context["table"]
    index = [c.key for c in table.columns].index("suivis")
    assert trends["suivis"].values[-1] == table.totals[index]
    assert "<svg" in page.content.decode()
    overview = coordinator.get(reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid}))
    mine = {t.key: t for t in overview.context["trends"]}
    facts = {c.key: v for c, v in overview.context["facts"]}
    assert mine["suivis"].values[-1] == facts["suivis"]

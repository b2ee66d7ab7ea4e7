"""PDFs a ministry can file: chart labels wrap instead of being cut, a category at 0 reads
"0" (no empty bar), no page holds only its footer, numbers in fr-BE format."""

import io
import os
import re
import xml.etree.ElementTree as ET  # noqa: S405 (parsing our own SVG output)
from pathlib import Path

import pytest
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from apps.core.charts import hbar_chart, wrap_label
from apps.reports import regional_report, services
from tests.reports.factories import SEMESTER, YEAR, make_activity

NS = "{http://www.w3.org/2000/svg}"
LONG = "Centre public d'action sociale et service de médiation de dettes agréé par la Région"
# Where the PDFs are written when asked (to render them with pdftoppm and look at them).
SHOTS = os.environ.get("SLSP_PDF_SHOTS")


def _rows(svg):
    root = ET.fromstring(svg)  # noqa: S314
    return root, ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def test_long_labels_wrap_on_several_lines_and_are_never_cut():
    svg = hbar_chart([(LONG, 12), ("CPAS", 3)], title="Orientations")
    root, texts = _rows(svg)
    label = next(t for t in root.iter(f"{NS}text") if len(list(t)) > 1)
    lines = [span.text for span in label]
    assert len(lines) >= 3 and all(len(line) <= 170 // 6 for line in lines)
    assert " ".join(lines) == LONG and "…" not in svg
    # The wrapped row is taller: the next row starts below its last line.
    ys = [float(r.get("y")) for r in root.iter(f"{NS}rect")]
    last_line_y = float(label[-1].get("y"))
    assert ys[1] > last_line_y


def test_wrap_splits_a_word_longer_than_a_line():
    assert wrap_label("Intercommunale", 8) == ["Interco-", "mmunale"]
    assert wrap_label("", 10) == [""]


def test_a_zero_category_reads_zero_without_an_empty_bar():
    svg = hbar_chart([("Avec", 7), ("Sans", 0), ("Masqué", 0, "<5"), ("Inconnu", None)])
    root, texts = _rows(svg)
    assert len(list(root.iter(f"{NS}rect"))) == 1  # only the category with a value
    assert "0" in texts and "<5" in texts and "—" in texts and "Sans" in texts


def test_chart_numbers_are_fr_be():
    _root, texts = _rows(hbar_chart([("Moments", 12345), ("Heures", 2.5)]))
    assert "12\u00a0345" in texts and "2,5" in texts


def _footer_only(reader: PdfReader, running_title: str) -> list[int]:
    """Pages whose only text is the running title and/or the 'Page n / m' footer."""
    empty = []
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        text = re.sub(r"Page \d+ / \d+", "", text).replace(running_title, "")
        if not re.sub(r"[\s—-]", "", text):
            empty.append(number)
    return empty


def _save(name: str, pdf: bytes) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        Path(SHOTS, name).write_bytes(pdf)


@pytest.mark.django_db
def test_semester_pdf_has_no_footer_only_page_and_fr_be_numbers(world):
    referent = world.users["referent_a"]
    make_activity(world.slsp_a, referent, scale=3)
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, referent)
        items = {
            e.pk: {"worked": "Texte. " * 200, "obstacles": "Peu de temps", "next_steps": "Suite"}
            for e in report.evaluations.all()
        }
        services.save_evaluation(report, referent, summary="Synthèse. " * 80, items=items)
        build = services.run_build(services.request_build(report, referent).pk)
        pdf = build.pdf.read()
    _save("semester.pdf", pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert _footer_only(reader, world.slsp_a.official_name) == []
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "PROJET" in text
    # Dates as dd/mm/yyyy, no English or ISO dates.
    assert re.search(r"du 01/01/2025 au 30/06/2025", text)


@pytest.mark.django_db
def test_regional_pdf_has_no_footer_only_page(world):
    """With the 68 SLSPs of Wallonia the per-SLSP table spans several landscape pages."""
    from tests.slsps.factories import SlspFactory

    make_activity(world.slsp_a, world.users["referent_a"], scale=2)
    with scopes_disabled():
        for n in range(66):
            SlspFactory(official_name=f"Société de logement de service public numéro {n:02d}")
    report = regional_report.request(YEAR, SEMESTER, world.users["coordinateur"])
    plan = regional_report.start(report.pk)
    results = []
    for slsp_id in plan[2]:
        with scope(slsp=[slsp_id]):
            results.append(regional_report.slsp_figures(report.pk, slsp_id, YEAR, SEMESTER))
    with scopes_disabled():
        report = regional_report.assemble(report.pk, results)
    pdf = report.pdf.read()
    _save("regional.pdf", pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert _footer_only(reader, f"Rapport régional {report.label}") == []

"""The semestrial report PDF, built in-process: French, A4, table of contents, closed fetcher."""

import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django_scopes import scope
from pypdf import PdfReader

from apps.core.pdf import INTERNAL_BASE_URL, ResourceRefused, StaticOnlyFetcher
from apps.reports import services
from apps.reports.models import BuildStatus
from tests.reports.factories import SEMESTER, TENANT_NAMES, YEAR, make_activity

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def build_report(world, **evaluation):
    referent = world.users["referent_a"]
    expected = make_activity(world.slsp_a, referent)
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, referent)
        items = {
            e.pk: {
                "worked": evaluation.get("worked", f"Réussite pour {e.title}"),
                "obstacles": "Peu de disponibilités des partenaires",
                "next_steps": "Renforcer la convention CPAS",
            }
            for e in report.evaluations.all()
        }
        services.save_evaluation(
            report, referent, summary="Un semestre de mise en place.", items=items
        )
        build = services.request_build(report, referent)
        build = services.run_build(build.pk)
    return report, build, expected


def test_pdf_holds_the_slsp_semester_figures_and_evaluation(world):
    report, build, expected = build_report(world)
    assert build.status == BuildStatus.READY, build.error
    with scope(slsp=[world.slsp_a.pk]):
        assert services.verify(build)
        pdf = build.pdf.read()
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = _text(pdf)
    assert world.slsp_a.official_name in text
    assert "1er semestre (janvier-juin) 2025" in text
    assert "Table des matières" in text
    assert "Accueillir chaque nouveau ménage" in text and "Impayés au-delà de 1 000 euros" in text
    assert "Renforcer la convention CPAS" in text
    assert f"{expected.welcomed} sur {expected.new_households} (50,0 %)" in text
    for name in TENANT_NAMES:
        assert name not in text
    # Output for a human look: pdftoppm -png -r 60 var/screenshots/report-semester.pdf ...
    out = Path(settings.BASE_DIR) / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report-semester.pdf").write_bytes(pdf)


def test_table_of_contents_gives_real_page_numbers(world):
    _, build, _ = build_report(world)
    with scope(slsp=[world.slsp_a.pk]):
        reader = PdfReader(io.BytesIO(build.pdf.read()))
    toc = reader.pages[1].extract_text()
    # The chapter "3. Évaluation qualitative" starts on the page its TOC line announces.
    line = next(x for x in toc.splitlines() if "Évaluation qualitative" in x)
    number = int(line.rstrip(". ").split(".")[-1].strip().split()[-1])
    assert "Évaluation qualitative" in reader.pages[number - 1].extract_text()


def test_hostile_evaluation_text_is_text_not_markup(world):
    hostile = (
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.org/x.css">'
    )
    _, build, _ = build_report(world, worked=hostile)
    assert build.status == BuildStatus.READY
    with scope(slsp=[world.slsp_a.pk]):
        text = _text(build.pdf.read())
    assert "root:x:0" not in text
    assert 'img src="file:///etc/passwd"' in text.replace("\n", "")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.org/static/css/report_pdf.css",
        "http://localhost/static/css/report_pdf.css",
        INTERNAL_BASE_URL + "media/reports/semester/x.pdf",
    ],
)
def test_report_fetcher_refuses_disk_and_network(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher().fetch(url)


def test_report_stylesheet_is_served_by_the_fetcher():
    assert (
        b"target-counter"
        in StaticOnlyFetcher().fetch(INTERNAL_BASE_URL + "static/css/report_pdf.css").read()
    )


def test_pdf_uses_packaged_fonts_only(world):
    """Fonts embedded are DejaVu from Debian's fonts-dejavu-core (nothing downloaded)."""
    _, build, _ = build_report(world)
    with scope(slsp=[world.slsp_a.pk]):
        path = build.pdf.path
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("DejaVu" in n for n in names), fonts

"""A real Celery worker builds real PDFs: the semestrial report and the regional report.

The PDFs are read back with pypdf; the figures they must show are counted by the test
from the rows it created (tests/reports/factories.py), not by the indicators service.
"""

import io
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from apps.reports import regional_report, services
from apps.reports.models import BuildStatus, RegionalReport, ReportBuild
from tests.reports.factories import SEMESTER, TENANT_NAMES, YEAR, make_activity

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(fetch, timeout=180):
    deadline = time.monotonic() + timeout
    while True:
        obj = fetch()
        if not obj.is_active:
            return obj
        if time.monotonic() > deadline:
            raise AssertionError(f"still {obj.status} at {obj.progress} %")
        time.sleep(0.3)


def _text(field_file) -> str:
    with field_file.storage.open(field_file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_worker_builds_the_semester_pdf_with_the_right_figures(world, celery_worker_process):
    referent = world.users["referent_a"]
    expected = make_activity(world.slsp_a, referent, scale=2)
    make_activity(world.slsp_b, world.users["referent_b"])  # never counted for A
    with scope(slsp=[world.slsp_a.pk]):
        report, created = services.open_report(world.slsp_a, YEAR, SEMESTER, referent)
        assert created
        started = time.monotonic()
        build = services.request_build(report, referent)
        # Asking again while it is queued or building gives the same build.
        assert services.request_build(report, referent).pk == build.pk
        build = _wait(lambda: ReportBuild.objects.get(pk=build.pk))
        elapsed = time.monotonic() - started
        assert build.status == BuildStatus.READY, build.error
        assert build.attempts == 1 and build.progress == 100
        assert services.verify(build)
        text = _text(build.pdf)
    print(f"\none SLSP report built by the worker in {elapsed:.2f} s")
    assert world.slsp_a.official_name in text
    assert "1er semestre (janvier-juin) 2025" in text
    assert "du 01/01/2025 au 30/06/2025" in text
    assert f"{expected.opened}\nSuivis ouverts" in text
    assert re.search(rf"Moments d'accompagnement par type|Total {expected.moments}\b", text)
    assert f"Total {expected.moments}\n" in text
    assert f"{expected.welcomed} sur {expected.new_households} (50,0 %)" in text
    if expected.referrals:
        median = f"{expected.median_days:.1f}".replace(".", ",")
        assert f"Délai de réponse médian des partenaires : {median} jours" in text
        assert "Motif confidentiel" not in text
    if expected.sessions:
        assert f"Participants {expected.participants}" in text
    for name in TENANT_NAMES:
        assert name not in text
    assert ReportBuild.objects.with_scopes_disabled().filter(report=report).count() == 1


def test_one_active_build_per_report_is_a_database_rule(world):
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, world.users["referent_a"])
        ReportBuild.objects.create(slsp=world.slsp_a, report=report)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportBuild.objects.create(
                slsp=world.slsp_a, report=report, status=BuildStatus.BUILDING
            )
        # Finished builds are kept beside a new one: earlier versions stay downloadable.
        ReportBuild.objects.filter(report=report).update(status=BuildStatus.READY)
        ReportBuild.objects.create(slsp=world.slsp_a, report=report)
        assert ReportBuild.objects.filter(report=report).count() == 2


def test_a_redelivered_build_does_not_build_twice(world):
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, world.users["referent_a"])
        build = ReportBuild.objects.create(slsp=world.slsp_a, report=report)
        first = services.run_build(build.pk)
        digest, name = first.sha256, first.pdf.name
        again = services.run_build(build.pk)  # at-least-once delivery: a second message
        assert again.status == BuildStatus.READY and again.attempts == 1
        assert (again.sha256, again.pdf.name) == (digest, name)


def test_worker_builds_the_regional_report_from_parallel_tasks(world, celery_worker_process):
    make_activity(world.slsp_a, world.users["referent_a"], scale=6)
    make_activity(world.slsp_b, world.users["referent_b"], scale=1)
    started = time.monotonic()
    report = regional_report.request(YEAR, SEMESTER, world.users["coordinateur"])
    assert regional_report.request(YEAR, SEMESTER, world.users["coordinateur"]).pk == report.pk
    report = _wait(lambda: RegionalReport.objects.get(pk=report.pk))
    print(
        f"\nregional report ({report.slsp_count} SLSPs) built in {time.monotonic() - started:.2f} s"
    )
    assert report.status == BuildStatus.READY, report.error
    assert report.slsps_done == report.slsp_count == 2
    assert regional_report.verify(report)
    text = _text(report.pdf)
    with report.pdf.open("rb") as handle:
        (Path(settings.BASE_DIR) / "var" / "screenshots" / "report-regional.pdf").write_bytes(
            handle.read()
        )
    flat = " ".join(text.split())
    assert "Rapport régional" in flat and "SLSP A de test" in flat and "SLSP B de test" in flat
    # SLSP A opened 6 follow-ups, SLSP B 1 (suppressed); the region 7: A's 6 beside the
    # total would give B's 1 by subtraction, so A's is hidden too ("x").
    assert re.search(r"SLSP A de test Namur x x ", flat), flat
    assert re.search(r"SLSP B de test Namur <5 <5 ", flat), flat
    assert "Suivis ouverts 7" in flat
    with scopes_disabled():
        names = list(
            __import__("apps.tenants.models", fromlist=["Member"]).Member.objects.values_list(
                "last_name", flat=True
            )
        )
    for name in {*names, *TENANT_NAMES}:
        assert name not in text
        assert name not in repr(report.data)

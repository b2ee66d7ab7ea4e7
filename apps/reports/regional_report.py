"""The SWL's regional report of one semester: every SLSP on one line, regional totals and
distribution charts, counts only, small counts about people suppressed.

Built from per-SLSP results computed in parallel (one Celery task per SLSP, a chord),
then assembled into one PDF. No field of a person ever enters `RegionalReport.data`.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accompaniment import queries as accompaniment
from apps.core.charts import PALETTE, hbar_chart
from apps.core.disclosure import protect_table
from apps.core.pdf import render_pdf
from apps.core.periods import Semester
from apps.core.registry import registry
from apps.core.security import background_available
from apps.reports import labels, services
from apps.reports.models import (
    ACTIVE_BUILD,
    BuildStatus,
    RegionalReport,
    ReportStatus,
    SemesterReport,
)
from apps.reports.regional import region_paths
from apps.reports.tasks import build_regional_report
from apps.reports.trends import regional_trends
from apps.slsps.models import Province, Slsp

logger = logging.getLogger(__name__)


def columns() -> list:
    """The columns of one SLSP's line: every semester figure the apps publish."""
    return registry.semester_metrics()


@transaction.atomic
def request(year: int, semester: int, user) -> RegionalReport:
    """The regional build of this semester that is queued or running, or a new one."""
    services.check_semester(year, semester)
    active = (
        RegionalReport.objects.select_for_update()
        .filter(ACTIVE_BUILD, year=year, semester=semester)
        .first()
    )
    if active is not None:
        since = active.started_at or active.created_at
        if timezone.now() - since <= services.stale_after():
            return active
        active.status, active.finished_at = BuildStatus.FAILED, timezone.now()
        active.error = _("Construction interrompue (travail en arrière-plan perdu).")
        active.save(update_fields=["status", "finished_at", "error"])
    try:
        with transaction.atomic():
            report = RegionalReport.objects.create(year=year, semester=semester, requested_by=user)
    except IntegrityError:
        return RegionalReport.objects.filter(ACTIVE_BUILD, year=year, semester=semester).get()

    def send():
        if background_available():
            try:
                build_regional_report.delay(report.pk)
            except Exception:
                logger.warning(
                    "regional report %s queued while the broker is unreachable", report.pk
                )

    transaction.on_commit(send)
    return report


def start(regional_id: int):
    """Claim the build; returns (year, semester, SLSP ids) or None when already handled
    or gone (deleted while the task waited in the queue)."""
    with transaction.atomic():
        report = RegionalReport.objects.select_for_update().filter(pk=regional_id).first()
        if report is None:
            logger.warning("regional report %s no longer exists: nothing to build", regional_id)
            return None
        if report.status != BuildStatus.QUEUED:
            return None
        ids = list(Slsp.objects.order_by("official_name").values_list("pk", flat=True))
        report.status = BuildStatus.BUILDING
        report.started_at = timezone.now()
        report.attempts += 1
        report.slsp_count = len(ids)
        report.slsps_done = 0
        report.progress = 2
        report.save(
            update_fields=[
                "status",
                "started_at",
                "attempts",
                "slsp_count",
                "slsps_done",
                "progress",
            ]
        )
    return report.year, report.semester, ids


def slsp_figures(regional_id: int, slsp_id: int, year: int, semester: int) -> dict:
    """One SLSP's line (raw counts; suppression happens when the lines are assembled)."""
    period = Semester(year, semester)
    validated = SemesterReport.objects.filter(
        slsp_id=slsp_id, year=year, semester=semester, status=ReportStatus.VALIDATED
    ).exists()
    # The figures every app publishes for a semester: the same functions as the regional
    # table and the semestrial report.
    figures: dict = {
        metric.key: metric.compute([slsp_id], period).get(slsp_id, 0) or 0
        for metric in registry.semester_metrics()
    }
    new, done = figures.get("nouveaux_menages", 0), figures.get("accueillis", 0)
    figures.update(
        slsp_id=slsp_id,
        coverage=round(100 * done / new, 1) if new else None,
        moments_by_kind={
            r["kind"]: r["count"] for r in accompaniment.moments_by_kind(slsp_id, period)
        },
        validated=validated,
    )
    RegionalReport.objects.filter(pk=regional_id).update(slsps_done=F("slsps_done") + 1)
    report = RegionalReport.objects.only("slsps_done", "slsp_count").get(pk=regional_id)
    # A redelivered task counts twice: never past the assembly step's 90 %.
    percent = min(5 + int(80 * report.slsps_done / max(report.slsp_count, 1)), 85)
    RegionalReport.objects.filter(pk=regional_id, progress__lt=percent).update(progress=percent)
    return figures


def table(results: list[dict]) -> dict:
    """Lines with suppressed values, regional totals, distributions; no person anywhere."""
    by_id = {r["slsp_id"]: r for r in results}
    slsps = list(Slsp.objects.filter(pk__in=by_id).order_by("official_name"))
    metrics = columns()
    # Disclosure control over every number of the report at once: lines, province
    # subtotals (the chart) and regional totals, with the groups of the regional table.
    protected = protect_table(
        {m.key: {i: by_id[i].get(m.key, 0) for i in by_id} for m in metrics},
        {m.key: m.about_people for m in metrics},
        region_paths(slsps),
    )
    lines = [
        {
            "name": slsp.official_name,
            "province": slsp.get_province_display() or "—",
            "values": [protected.cell(slsp.pk, m.key) for m in metrics],
            "validated": by_id[slsp.pk].get("validated", False),
        }
        for slsp in slsps
    ]
    ids = list(by_id)
    totals = [protected.total_of(ids, m.key) for m in metrics]
    # Distributions: counts of SLSPs (never of people) and sums per province.
    buckets = [
        (_("aucune entrée"), lambda c: c is None),
        (_("moins de 25 %"), lambda c: c is not None and c < 25),
        (_("25 à 49 %"), lambda c: c is not None and 25 <= c < 50),
        (_("50 à 74 %"), lambda c: c is not None and 50 <= c < 75),
        # xgettext:no-python-format
        (_("75 % et plus"), lambda c: c is not None and c >= 75),
    ]
    coverage = [
        (label, sum(1 for r in results if test(r.get("coverage")))) for label, test in buckets
    ]
    names = dict(Province.choices)
    by_province: defaultdict[str, list[int]] = defaultdict(list)
    for slsp in slsps:
        by_province[str(names.get(slsp.province, "—"))].append(slsp.pk)
    kinds: defaultdict[str, int] = defaultdict(int)
    for r in results:
        for kind, count in (r.get("moments_by_kind") or {}).items():
            kinds[kind] += count
    top_kinds = sorted(kinds.items(), key=lambda kv: -kv[1])[:8]
    province_rows = [
        (label, protected.total_of(members, "suivis"))
        for label, members in sorted(by_province.items())
    ]
    validated = sum(1 for r in results if r.get("validated"))
    return {
        "columns": [m.label for m in metrics],
        "lines": lines,
        "totals": totals,
        "totals_pairs": [(m.label, value) for m, value in zip(metrics, totals, strict=True)],
        "validated": validated,
        "slsp_count": len(results),
        "charts": {
            "coverage": hbar_chart(
                coverage, title=_("SLSP par taux d'accueil des nouveaux ménages")
            ),
            "provinces": hbar_chart(
                [
                    (label, 0 if isinstance(shown, str) else shown, str(shown))
                    for label, shown in province_rows
                ],
                title=_("Suivis actifs par province"),
                color=PALETTE[1],
            ),
            "moments": hbar_chart(
                [(labels.moment_kind(k), v) for k, v in top_kinds],
                title=_("Moments d'accompagnement par type (région)"),
                color=PALETTE[2],
            ),
            "reports": hbar_chart(
                [(_("Rapport validé"), validated), (_("Non validé"), len(results) - validated)],
                title=_("Rapports semestriels des SLSP"),
                color=PALETTE[3],
            ),
        },
    }


def assemble(regional_id: int, results: list[dict]) -> RegionalReport:
    with transaction.atomic():
        report = RegionalReport.objects.select_for_update().get(pk=regional_id)
        if report.status != BuildStatus.BUILDING:
            return report  # a redelivered chord callback: already done
        report.progress = 90
        report.save(update_fields=["progress"])
    try:
        view = table(results)
        view["trends"] = regional_trends(Slsp.objects.all(), Semester(report.year, report.semester))
        pdf = render_pdf(
            "reports/pdf/regional.html",
            {"report": report, "view": view, "generated_at": timezone.localtime()},
        )
    except Exception as exc:
        logger.exception("regional report %s failed", regional_id)
        RegionalReport.objects.filter(pk=regional_id).update(
            status=BuildStatus.FAILED,
            error=(_("La construction du PDF a échoué : %s") % exc)[:500],
            finished_at=timezone.now(),
        )
        return RegionalReport.objects.get(pk=regional_id)
    with transaction.atomic():
        report = RegionalReport.objects.select_for_update().get(pk=regional_id)
        if report.status == BuildStatus.READY:
            return report
        # Only the counts that the PDF shows are kept (suppressed, no moments by household).
        report.data = {
            "columns": [str(c) for c in view["columns"]],
            "lines": view["lines"],
            "totals": view["totals"],
        }
        report.pdf.save(f"region-{report.pk}.pdf", ContentFile(pdf), save=False)
        report.sha256 = hashlib.sha256(pdf).hexdigest()
        report.size = len(pdf)
        report.status = BuildStatus.READY
        report.progress = 100
        report.finished_at = timezone.now()
        report.save(
            update_fields=["data", "pdf", "sha256", "size", "status", "progress", "finished_at"]
        )
    return report


def verify(report) -> bool:
    if not report.pdf:
        return False
    with report.pdf.storage.open(report.pdf.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == report.sha256


__all__ = ["ValidationError", "request", "start", "slsp_figures", "assemble", "table"]

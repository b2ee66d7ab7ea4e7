"""Reads of the regional view: SLSPs a coordinator may review, never a person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, Max, QuerySet, Value
from django.db.models.functions import Concat
from django_scopes import scopes_disabled

from apps.accounts.models import Role, User
from apps.core.periods import Semester
from apps.reports.models import (
    RegionalReport,
    ReportBuild,
    ReportStatus,
    SemesterReport,
)
from apps.slsps.models import Slsp
from apps.slsps.queries import slsps_for


def region_slsps_for(user: User) -> QuerySet[Slsp]:
    """Every SLSP for coordinators and admins; nothing for anyone else."""
    if not user.has_perm("reports.view_region"):
        return Slsp.objects.none()
    return slsps_for(user)


# --- Semestrial reports (SLSP data: the request's scope, staff of the SLSP only) ---


def semester_reports_for(user: User) -> QuerySet[SemesterReport]:
    """Report versions of the user's own SLSPs (référent, accompagnateur, direction)."""
    if not user.is_authenticated or not user.has_perm("reports.view_semester_reports"):
        return SemesterReport.objects.none()
    return SemesterReport.objects.filter(slsp_id__in=user.slsp_ids()).select_related("slsp")


def report_builds_for(user: User) -> QuerySet[ReportBuild]:
    if not user.is_authenticated or not user.has_perm("reports.view_semester_reports"):
        return ReportBuild.objects.none()
    return ReportBuild.objects.filter(slsp_id__in=user.slsp_ids()).select_related(
        "report", "report__slsp"
    )


def writable_slsps_for(user: User) -> QuerySet[Slsp]:
    """SLSPs where the user is référent: where they may ask for a report."""
    if not user.is_authenticated:
        return Slsp.objects.none()
    return Slsp.objects.filter(pk__in=user.slsp_ids(roles=(Role.REFERENT,))).order_by(
        "official_name"
    )


def regional_reports_for(user: User) -> QuerySet[RegionalReport]:
    if not user.is_authenticated or not user.has_perm("reports.view_region"):
        return RegionalReport.objects.none()
    return RegionalReport.objects.all()


def last_validated_report_by_slsp(slsp_ids: Iterable[int]) -> dict[int, str]:
    """Regional metric: the semester ("2026-S1") of each SLSP's last validated report;
    none yet reads "—"."""
    label = Concat("year", Value("-S"), "semester", output_field=CharField())
    with scopes_disabled():
        rows = (
            SemesterReport.objects.filter(slsp_id__in=list(slsp_ids), status=ReportStatus.VALIDATED)
            .order_by()
            .values("slsp_id")
            .annotate(last=Max(label))
            .values_list("slsp_id", "last")
        )
        return dict(rows)


def released_evaluation_for(user: User, slsp: Slsp) -> dict[str, Any] | None:
    """The SLSP's latest evaluation released to the SWL (validated, and confirmed by its
    direction to name no person) with its items, for coordinators; None for anyone else
    or if there is none. Two queries."""
    if not user.has_perm("reports.view_region"):
        return None
    with scopes_disabled():  # another SLSP's report, released for the SWL by its direction
        report = (
            SemesterReport.objects.filter(
                slsp=slsp, status=ReportStatus.VALIDATED, released_at__isnull=False
            )
            .order_by("-year", "-semester", "-version")
            .first()
        )
        if report is None:
            return None
        return {"report": report, "items": list(report.evaluations.order_by("kind", "order", "pk"))}


def report_status_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """1 when the last ended semester's report is validated, else 0."""
    period = Semester.last_ended()
    with scopes_disabled():
        ids = (
            SemesterReport.objects.filter(
                slsp_id__in=slsp_ids,
                year=period.year,
                semester=period.half,
                status=ReportStatus.VALIDATED,
            )
            .values_list("slsp_id", flat=True)
            .distinct()
        )
        return dict.fromkeys(ids, 1)

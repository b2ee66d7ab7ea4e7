"""URL classification of the semestrial reports and the regional report ."""

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from apps.reports.models import BuildStatus, RegionalReport, ReportBuild, SemesterReport
from tests.isolation.cases import STAFF_A, UrlCase, expect

REGION = ("coordinateur", "admin")
PDF = b"%PDF-1.4\n% test\n"


def _report(w):
    if "semester_report" not in w.objects:
        with scopes_disabled():
            w.objects["semester_report"] = SemesterReport.objects.create(
                slsp=w.slsp_a, year=2025, semester=1
            )
    return w.objects["semester_report"]


def _build(w):
    if "report_build" not in w.objects:
        import hashlib

        with scopes_disabled():
            build = ReportBuild(
                slsp=w.slsp_a,
                report=_report(w),
                status=BuildStatus.READY,
                sha256=hashlib.sha256(PDF).hexdigest(),
            )
            build.pdf.save("x.pdf", ContentFile(PDF), save=False)
            build.save()
        w.objects["report_build"] = build
    return w.objects["report_build"]


def _regional(w):
    if "regional" not in w.objects:
        import hashlib

        report = RegionalReport(
            year=2025, semester=1, status=BuildStatus.READY, sha256=hashlib.sha256(PDF).hexdigest()
        )
        report.pdf.save("r.pdf", ContentFile(PDF), save=False)
        report.save()
        w.objects["regional"] = report
    return w.objects["regional"]


def _uuid(getter):
    return lambda w: {"uuid": getter(w).uuid}


CASES = [
    UrlCase("reports:semester_list", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase(
        "reports:semester_request",
        # Référent B may not ask for SLSP A's report: the form refuses it (200, nothing made).
        expect(ok=("referent_a",), status=302, referent_b=200),
        method="post",
        data=lambda w: {"slsp": w.slsp_a.pk, "year": 2025, "semester": 1},
    ),
    UrlCase("reports:semester_detail", expect(ok=STAFF_A), kwargs=_uuid(_report)),
    UrlCase(
        "reports:semester_evaluate",
        expect(ok=("referent_a",), status=302),
        kwargs=_uuid(_report),
        method="post",
        data=lambda w: {"summary": "Texte"},
    ),
    UrlCase(
        "reports:semester_build",
        expect(ok=("referent_a",), status=302),
        kwargs=_uuid(_report),
        method="post",
    ),
    UrlCase(
        "reports:semester_validate",
        expect(ok=("direction_a",), status=302),
        kwargs=_uuid(_report),
        method="post",
    ),
    UrlCase(
        "reports:semester_send_back",
        expect(ok=("direction_a",), status=302),
        kwargs=_uuid(_report),
        method="post",
        data=lambda w: {"comment": "Complétez les obstacles."},
    ),
    UrlCase(
        "reports:semester_new_version",
        expect(ok=("referent_a",), status=302),
        kwargs=_uuid(_report),
        method="post",
    ),
    UrlCase("reports:build_progress", expect(ok=STAFF_A), kwargs=_uuid(_build)),
    UrlCase("reports:build_download", expect(ok=STAFF_A), kwargs=_uuid(_build)),
    UrlCase("reports:regional_list", expect(ok=REGION)),
    UrlCase(
        "reports:regional_request",
        expect(ok=("coordinateur",), status=302),
        method="post",
        data=lambda w: {"year": 2025, "semester": 1},
    ),
    UrlCase("reports:regional_detail", expect(ok=REGION), kwargs=_uuid(_regional)),
    UrlCase("reports:regional_progress", expect(ok=REGION), kwargs=_uuid(_regional)),
    UrlCase("reports:regional_download", expect(ok=REGION), kwargs=_uuid(_regional)),
]

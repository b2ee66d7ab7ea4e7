"""Pages of the semestrial reports (SLSP staff) and of the regional report (coordinators).

Thin: permissions from rules.py (asked through apps.core.permissions), reads from
queries.py, writes in services.py / regional_report.py. Objects outside the user's scope
answer 404.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.confirm import Confirmation, confirmation_page
from apps.core.forms import error_text
from apps.core.pagination import counted_page
from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.core.uploads import serve_stored_file
from apps.reports import documents, queries, regional_report, services
from apps.reports.forms import (
    EvaluationForm,
    SemesterChoiceForm,
    SemesterRequestForm,
    SendBackForm,
    ValidateForm,
)
from apps.reports.models import BuildStatus, ReportStatus

logger = logging.getLogger(__name__)


def _report(request, uuid, perm="reports.view_semester_report"):
    report = get_visible_or_404(queries.semester_reports_for(request.user), uuid=uuid)
    require(request.user, perm, report)
    return report


def _errors(request, error) -> None:
    messages.error(request, error_text(error))


# --- Semestrial reports ------------------------------------------------------


@permission_required("reports.view_semester_reports")
def semester_list(request, form=None):
    slsps = queries.writable_slsps_for(request.user)
    if form is None and slsps:
        form = SemesterRequestForm(slsps=slsps)
    reports = queries.semester_reports_for(request.user).order_by(
        "slsp__official_name", "-year", "-semester", "-version"
    )
    # Two semesters a year, each with its versions: a page at a time, newest first per SLSP.
    page = counted_page(reports, request.GET.get("page"), 30)
    return render(request, "reports/semester_list.html", {"page": page, "form": form})


@require_POST
@permission_required("reports.view_semester_reports")
def semester_request(request):
    slsps = queries.writable_slsps_for(request.user)
    if not slsps:
        raise Http404
    form = SemesterRequestForm(request.POST, slsps=slsps)
    if not form.is_valid():
        return semester_list(request, form=form)
    slsp = form.cleaned_data["slsp"]
    require(request.user, "reports.write_semester_report", slsp)
    try:
        report, _created = services.open_report(
            slsp, form.cleaned_data["year"], form.cleaned_data["semester"], request.user
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return semester_list(request, form=form)
    build = report.builds.filter(status=BuildStatus.READY).first()
    if report.is_draft or build is None:
        services.request_build(report, request.user)
    return redirect("reports:semester_detail", uuid=report.uuid)


def _detail(request, report, *, form=None, send_back_form=None, status=200):
    builds = list(report.builds.all())
    active = next((b for b in builds if b.is_active), None)
    can_write = allowed(request.user, "reports.write_semester_report", report)
    evaluations = list(report.evaluations.all())
    if form is None and report.is_draft and can_write:
        form = EvaluationForm(evaluations=evaluations, initial={"summary": report.summary})
    can_validate = report.status == ReportStatus.DRAFT and allowed(
        request.user, "reports.validate_semester_report", report
    )
    if send_back_form is None and can_validate:
        send_back_form = SendBackForm()
    versions = queries.semester_reports_for(request.user).filter(
        slsp_id=report.slsp_id, year=report.year, semester=report.semester
    )
    return render(
        request,
        "reports/semester_detail.html",
        {
            "report": report,
            "pdfs": documents.pdf_offer(report, builds),
            "active": active,
            "state": documents.progress_state(active) if active else None,
            "form": form,
            "evaluations": evaluations,
            "versions": versions,
            "events": report.events.select_related("by_user"),
            "view": documents.indicator_view(report.indicators),
            "can_write": can_write,
            "can_validate": can_validate,
            "send_back_form": send_back_form,
            "is_latest": not any(v.version > report.version for v in versions),
        },
        status=status,
    )


def semester_detail(request, uuid):
    return _detail(request, _report(request, uuid))


@require_POST
def semester_evaluate(request, uuid):
    report = _report(request, uuid, "reports.write_semester_report")
    form = EvaluationForm(
        request.POST,
        evaluations=report.evaluations.all(),
        name_tokens=services.name_tokens_of(report.slsp_id),
    )
    if not form.is_valid():
        # The same page with everything typed and each refusal beside its field.
        return _detail(request, report, form=form, status=400)
    try:
        services.save_evaluation(
            report, request.user, summary=form.cleaned_data["summary"], items=form.items()
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, report, form=form, status=400)
    messages.success(request, _("Évaluation enregistrée."))
    if "and_build" in request.POST:
        services.request_build(report, request.user)
    return redirect("reports:semester_detail", uuid=report.uuid)


@require_POST
def semester_build(request, uuid):
    report = _report(request, uuid, "reports.write_semester_report")
    services.request_build(report, request.user)
    return redirect("reports:semester_detail", uuid=report.uuid)


def semester_validate(request, uuid):
    """GET: what validation does, the empty parts, the 'names no person' checkbox; POST: do it."""
    report = _report(request, uuid, "reports.validate_semester_report")
    detail_url = reverse("reports:semester_detail", kwargs={"uuid": report.uuid})
    if report.status != ReportStatus.DRAFT:
        messages.error(request, _("Seul un brouillon peut être validé."))
        return redirect(detail_url)
    form = ValidateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.validate(
                report, request.user, names_no_person=form.cleaned_data["names_no_person"]
            )
        except ValidationError as exc:
            named = [e for e in exc.error_list if e.code == services.PERSON_NAMED]
            if not named:
                _errors(request, exc)
                return redirect(detail_url)
            for error in named:
                form.add_error("names_no_person", error)
        else:
            done = _(
                "Rapport validé : cette version est figée, son PDF est en cours de construction."
            )
            messages.success(request, done)
            return redirect(detail_url)
    gaps = services.evaluation_gaps(report)
    consequences = [
        _(
            "Les indicateurs et le texte de cette version sont figés ; une modification "
            "ultérieure sera une nouvelle version."
        ),
        _("Le PDF validé est construit ; le référent et la direction sont prévenus."),
        _("Sans la case cochée, la SWL ne lit pas l'évaluation qualitative."),
    ]
    consequences += [format_lazy(_("Partie vide : {part}"), part=gap) for gap in gaps]
    return confirmation_page(
        request,
        Confirmation(
            title=_("Valider le rapport %(label)s") % {"label": report.label},
            question=(
                _("Attention : %(n)s partie(s) de l'évaluation sont vides. Valider quand même ?")
                % {"n": len(gaps)}
                if gaps
                else _("Valider cette version du rapport ?")
            ),
            consequences=consequences,
            cancel_url=detail_url,
            confirm_label=_("Valider"),
            irreversible=False,
        ),
        form,
    )


@require_POST
def semester_send_back(request, uuid):
    report = _report(request, uuid, "reports.validate_semester_report")
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.send_back(report, request.user, form.cleaned_data["comment"])
        except ValidationError as exc:
            form.add_error("comment", exc)
        else:
            messages.success(request, _("Rapport renvoyé au référent avec votre commentaire."))
            return redirect("reports:semester_detail", uuid=report.uuid)
    return _detail(request, report, send_back_form=form, status=400)


@require_POST
def semester_new_version(request, uuid):
    report = _report(request, uuid, "reports.write_semester_report")
    try:
        draft = services.new_version(report, request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("reports:semester_detail", uuid=report.uuid)
    messages.success(
        request, _("Nouvelle version %(v)s ouverte en brouillon.") % {"v": draft.version}
    )
    return redirect("reports:semester_detail", uuid=draft.uuid)


def _build(request, uuid):
    build = get_visible_or_404(queries.report_builds_for(request.user), uuid=uuid)
    require(request.user, "reports.view_semester_report", build)
    return build


def _progress_payload(build) -> dict:
    return documents.progress_state(build)


@require_GET
def build_progress(request, uuid):
    return JsonResponse(_progress_payload(_build(request, uuid)))


@require_GET
def build_download(request, uuid):
    build = _build(request, uuid)
    if build.status != BuildStatus.READY or not services.verify(build):
        if build.status == BuildStatus.READY:
            logger.error("report build %s: stored PDF does not match its checksum", build.pk)
        raise Http404
    report = build.report
    return serve_stored_file(
        build.pdf,
        f"evaluation-{report.slsp.short_name or report.slsp.official_name}"
        f"-{report.year}-S{report.semester}-v{report.version}",
    )


# --- Regional report ---------------------------------------------------------


def _regional(request, uuid):
    require(request.user, "reports.view_region")
    return get_visible_or_404(queries.regional_reports_for(request.user), uuid=uuid)


@permission_required("reports.view_region")
def regional_list(request, form=None):
    can_build = allowed(request.user, "reports.build_regional_report")
    if form is None and can_build:
        form = SemesterChoiceForm()
    reports = queries.regional_reports_for(request.user)[:50]
    return render(request, "reports/regional_list.html", {"reports": reports, "form": form})


@require_POST
@permission_required("reports.build_regional_report")
def regional_request(request):
    form = SemesterChoiceForm(request.POST)
    if not form.is_valid():
        return regional_list(request, form=form)
    report = regional_report.request(
        form.cleaned_data["year"], form.cleaned_data["semester"], request.user
    )
    return redirect("reports:regional_detail", uuid=report.uuid)


def regional_detail(request, uuid):
    report = _regional(request, uuid)
    return render(
        request,
        "reports/regional_detail.html",
        {"report": report, "state": documents.progress_state(report)},
    )


@require_GET
def regional_progress(request, uuid):
    return JsonResponse(_progress_payload(_regional(request, uuid)))


@require_GET
def regional_download(request, uuid):
    report = _regional(request, uuid)
    if report.status != BuildStatus.READY or not regional_report.verify(report):
        raise Http404
    return serve_stored_file(report.pdf, f"rapport-regional-{report.year}-S{report.semester}")

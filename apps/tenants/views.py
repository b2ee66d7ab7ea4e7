from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.services import log_access
from apps.core.forms import posted
from apps.core.pagination import counted_page
from apps.core.permissions import get_visible_or_404, permission_required, require
from apps.core.registry import registry
from apps.slsps.queries import slsps_for
from apps.tenants import importer, queries, services
from apps.tenants.filters import HouseholdFilter
from apps.tenants.forms import ImportApplyForm, ImportUploadForm
from apps.tenants.models import Category, ImportJob


@permission_required("tenants.view_households")
def household_list(request):
    filterset = HouseholdFilter(
        request.GET,
        queryset=queries.household_rows(request.user).order_by("display_name", "reference"),
        districts=queries.districts_for(request.user),
    )
    page = counted_page(filterset.qs, request.GET.get("page"), 50)
    context = {"filter": filterset, "page": page, "categories": dict(Category.choices)}
    return render(request, "tenants/household_list.html", context)


def household_detail(request, uuid):
    household = get_visible_or_404(queries.households_for(request.user), uuid=uuid)
    require(request.user, "tenants.view_household", household)
    log_access(request, household)
    sections = [
        {"template": section.template, "data": section.build(request, household)}
        for section in registry.household_sections
    ]
    context = {
        "household": household,
        "tenancies": queries.tenancy_rows(household),
        "members": queries.member_rows(household),
        "sections": sections,
    }
    return render(request, "tenants/household_detail.html", context)


def _referent_slsps(user):
    return slsps_for(user).filter(pk__in=user.slsp_ids(roles={"referent"}))


@permission_required("tenants.import_export")
def import_upload(request):
    slsps = list(_referent_slsps(request.user))
    form = ImportUploadForm(posted(request), request.FILES or None, slsps=slsps)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        slsp = next(s for s in slsps if s.pk == form.cleaned_data["slsp"])
        try:
            job = services.create_import_job(
                user=request.user,
                slsp=slsp,
                filename=upload.name,
                data=upload.read(),
                full_export=form.cleaned_data["full_export"],
                sheet=form.cleaned_data["sheet"],
            )
        except importer.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("tenants:import_preview", uuid=job.uuid)
    return render(request, "tenants/import_upload.html", {"form": form})


def _import_job(request, uuid):
    job = get_visible_or_404(queries.import_jobs_for(request.user), uuid=uuid)
    require(request.user, "tenants.import_into", job)
    return job


PREVIEW_PAGE = 50


def import_preview(request, uuid):
    job = _import_job(request, uuid)
    preview = None
    read_error = ""
    if job.status == ImportJob.Status.PREVIEWED:
        try:
            preview = services.job_preview(job)
        except importer.ImportFileError as exc:
            read_error = str(exc)
    summary = preview.summary if preview else job.summary
    form = ImportApplyForm(
        request.POST if request.method == "POST" else None,
        to_end=summary.get("to_end", 0),
        needs_count=bool(summary.get("needs_count_confirmation")),
    )
    can_apply = preview is not None and preview.applicable
    if request.method == "POST" and can_apply and form.is_valid():
        try:
            job = services.apply_or_queue(
                job,
                confirm_end=form.cleaned_data["confirm_end"],
                confirm_end_count=form.cleaned_data.get("confirm_end_count"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Queued for the worker (which may already have started it): the preview
            # page shows its progress; applied or failed: the page says so.
            if job.status == ImportJob.Status.APPLIED:
                messages.success(
                    request,
                    _(
                        "Import terminé. Ménages créés : %(create)s ; modifiés : %(update)s ; "
                        "lignes rejetées : %(reject)s."
                    )
                    % job.summary,
                )
            elif job.status == ImportJob.Status.FAILED:
                messages.error(request, job.error)
            return redirect("tenants:import_preview", uuid=job.uuid)
    context = {
        "job": job,
        "form": form,
        "summary": summary,
        "applied": job.status == ImportJob.Status.APPLIED,
        "waiting": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
        "progress": services.job_progress(job),
        "read_error": read_error,
        "can_apply": can_apply,
    }
    if preview is not None:
        context |= {
            "households": Paginator(preview.households, PREVIEW_PAGE).get_page(
                request.GET.get("page")
            ),
            "rejected": Paginator(preview.rows, PREVIEW_PAGE).get_page(request.GET.get("rejets")),
            "to_end": preview.to_end[:200],
        }
    elif job.status == ImportJob.Status.APPLIED:
        context["changes"] = counted_page(
            queries.import_changes(job), request.GET.get("page"), PREVIEW_PAGE
        )
    return render(request, "tenants/import_preview.html", context)


def import_progress(request, uuid):
    """Polled by static/js/progress.js while a large import runs."""
    job = _import_job(request, uuid)
    done = job.status in (ImportJob.Status.APPLIED, ImportJob.Status.FAILED)
    return JsonResponse(
        {
            "status": job.status,
            "label": str(job.get_status_display()),
            "progress": services.job_progress(job),
            "done": done,
        }
    )

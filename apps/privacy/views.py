"""The direction's access log, and a household's export (right of access)."""

import functools
from uuid import UUID

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from apps.accompaniment import sensitive
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.services import log_access, log_accesses
from apps.core.permissions import get_visible_or_404, permission_required, require
from apps.privacy import export, queries
from apps.privacy.filters import AccessLogFilter
from apps.privacy.forms import ExportForm
from apps.tenants.queries import households_for

PAGE_SIZE = 50


@permission_required("privacy.view_access_log")
def access_log(request):
    filterset = AccessLogFilter(
        request.GET,
        queryset=queries.access_log_for(request.user).order_by("-at", "-pk"),
        user=request.user,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/access_log.html", {"filter": filterset, "page": page})


@require_http_methods(["GET", "POST"])
def household_export(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse | FileResponse:
    household = get_visible_or_404(households_for(request.user).select_related("slsp"), uuid=uuid)
    require(request.user, "privacy.export_household", household)
    form = ExportForm(
        request.POST if request.method == "POST" else None,
        may_include_sensitive=sensitive.may_read_sensitive(request.user, household),
    )
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        log_access(request, household, reason=reason)
        disclose = None
        if form.cleaned_data.get("include_sensitive"):
            # Break glass for every note the export holds, with the export's reason.
            disclose = functools.partial(sensitive.reveal, request, reason=reason)
        kind = form.cleaned_data["format"]
        if kind == "zip":
            # Each document in the archive is logged as its download would be.
            record_reads = functools.partial(log_accesses, request, reason=reason)
            return FileResponse(
                export.export_zip(household, disclose=disclose, record_reads=record_reads),
                as_attachment=True,
                filename=export.filename(household, kind),
                content_type="application/zip",
            )
        if kind == "json":
            body = export.export_json(household, disclose=disclose)
            content_type = "application/json"
        else:
            body, content_type = export.export_pdf(household, disclose=disclose), "application/pdf"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{export.filename(household, kind)}"'
        )
        return response
    return render(request, "privacy/export.html", {"household": household, "form": form})

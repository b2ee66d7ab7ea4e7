"""The direction's access log, and a household's export (right of access)."""

import functools
from uuid import UUID

import rules
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from apps.accompaniment import sensitive
from apps.accounts.services import log_access
from apps.privacy import export, queries
from apps.privacy.filters import AccessLogFilter
from apps.privacy.forms import ExportForm
from apps.tenants.queries import households_for

PAGE_SIZE = 50


@login_required
def access_log(request):
    if not rules.has_perm("privacy.view_access_log", request.user):
        raise Http404
    filterset = AccessLogFilter(
        request.GET,
        queryset=queries.access_log_for(request.user).order_by("-at", "-pk"),
        user=request.user,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/access_log.html", {"filter": filterset, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def household_export(request: HttpRequest, uuid: UUID) -> HttpResponse:
    household = get_object_or_404(households_for(request.user).select_related("slsp"), uuid=uuid)
    if not rules.has_perm("privacy.export_household", request.user, household):
        raise Http404
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

"""The household's case sheet: one printable page (browser print, or PDF) for a team
meeting or a handover, showing exactly what its reader may see.

What it holds comes from the household page's own sections (apps.core.registry: each
section's `build`, drawn with its `sheet_template`), so the sheet never shows more, or
by other rules, than the page. Sensitive notes obey apps.accompaniment.sensitive: left
out unless the reader may read them AND gives a reason (POST), each note read logged
by `reveal`; the direction never gets them. Every sheet is access-logged.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accompaniment import sensitive
from apps.accompaniment.forms_attachments import SensitiveReasonForm
from apps.accompaniment.models import Moment
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.services import log_access
from apps.core.forms import posted
from apps.core.pdf import render_pdf
from apps.core.permissions import get_visible_or_404, require
from apps.core.registry import registry
from apps.tenants import queries as tenant_queries
from apps.tenants.models import Household


def _sensitive_rows(request: AuthenticatedHttpRequest, household: Household, reason: str):
    """The household's sensitive notes as sheet rows: the text of those `reveal` gives
    (logged, with the reason), WITHHELD for the others."""
    moments = list(
        Moment.objects.done()
        .filter(household=household)
        .exclude(sensitivity="")
        .defer("sensitive_note")
        .order_by("-date", "-pk")
    )
    notes = sensitive.reveal(request, moments, reason=reason) if reason and moments else {}
    return [
        {
            "date": m.date,
            "kind": m.get_kind_display(),
            "sensitivity": m.get_sensitivity_display(),
            "text": notes.get(m.pk, ""),
            "withheld": m.pk not in notes,
        }
        for m in moments
    ], bool(notes)


def sheet_context(
    request: AuthenticatedHttpRequest, household: Household, *, reason: str = ""
) -> dict[str, Any]:
    sensitive_rows, revealed = _sensitive_rows(request, household, reason)
    sections = []
    for section in registry.household_sections:
        if not section.sheet_template:
            continue
        data = section.build(request, household)
        if data is not None:
            sections.append({"template": section.sheet_template, "data": data})
    return {
        "household": household,
        "tenancies": tenant_queries.tenancy_rows(household),
        "members": tenant_queries.member_rows(household),
        "sections": sections,
        "sensitive_rows": sensitive_rows,
        "revealed": revealed,
        "withheld": sensitive.WITHHELD,
        "reader": request.user.get_full_name() or request.user.email,
        "generated_at": timezone.now(),
        "may_read_sensitive": sensitive.may_read_sensitive(request.user, household),
    }


def _household(request: AuthenticatedHttpRequest, uuid: UUID) -> Household:
    household = get_visible_or_404(
        tenant_queries.households_for(request.user).select_related("slsp"), uuid=uuid
    )
    require(request.user, "tenants.view_household", household)
    return household


def _reason(request: AuthenticatedHttpRequest, form: SensitiveReasonForm) -> str:
    if request.method == "POST" and form.is_valid():
        return str(form.cleaned_data["reason"]).strip()
    return ""


@require_http_methods(["GET", "POST"])
def case_sheet(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    """The sheet as a page, with a print stylesheet; POST (a reason) adds the sensitive
    notes its reader may read."""
    household = _household(request, uuid)
    form = SensitiveReasonForm(posted(request))
    reason = _reason(request, form)
    log_access(request, household, reason=reason)
    context = sheet_context(request, household, reason=reason)
    context["form"] = form
    return render(request, "accompaniment/case_sheet/page.html", context)


@require_http_methods(["GET", "POST"])
def case_sheet_pdf(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    household = _household(request, uuid)
    form = SensitiveReasonForm(posted(request))
    reason = _reason(request, form)
    if request.method == "POST" and not reason:
        # A refused reason: the page again, with the error beside the field.
        log_access(request, household)
        context = sheet_context(request, household)
        context["form"] = form
        return render(request, "accompaniment/case_sheet/page.html", context)
    log_access(request, household, reason=reason)
    body = render_pdf(
        "accompaniment/case_sheet/pdf.html", sheet_context(request, household, reason=reason)
    )
    response = HttpResponse(body, content_type="application/pdf")
    # The UUID, not a name: file names end up in download folders.
    response["Content-Disposition"] = f'attachment; filename="fiche-menage-{household.uuid}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

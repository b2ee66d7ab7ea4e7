"""Pages of renovation works: list, create, edit, close (confirmed), attach units."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.confirm import Confirmation, confirmation_page
from apps.core.forms import error_text, posted
from apps.core.permissions import get_visible_or_404, permission_required, require
from apps.slsps.models import Slsp
from apps.tenants import works
from apps.tenants.models import HousingUnit, RenovationWorks
from apps.tenants.works_forms import CloseWorksForm, UnitSearchForm, WorksForm


def _works(request: AuthenticatedHttpRequest, uuid: UUID) -> RenovationWorks:
    found = get_visible_or_404(works.works_for(request.user), uuid=uuid)
    require(request.user, "tenants.manage_works_of", found)
    return found


def _slsps(request: AuthenticatedHttpRequest):
    return Slsp.objects.filter(pk__in=works.managed_slsp_ids(request.user)).order_by("pk")


@permission_required("tenants.manage_works")
def works_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(works.works_for(request.user).order_by("-start_date", "name"))
    return render(
        request,
        "tenants/works_list.html",
        {
            "ongoing": [w for w in rows if w.end_date is None or w.end_date >= today],
            "ended": [w for w in rows if w.end_date is not None and w.end_date < today],
        },
    )


def _save(request, form, do):
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            return do(data)
        except ValidationError as exc:
            form.add_error(None, exc)
    return None


@permission_required("tenants.manage_works")
def works_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    slsps = list(_slsps(request))
    form = WorksForm(posted(request), slsps=slsps)

    def do(data):
        slsp_id = data.pop("slsp", None) or slsps[0].pk
        created = works.create_works(request.user, slsp_id=slsp_id, **data)
        messages.success(request, _("Chantier créé : rattachez-y les logements concernés."))
        return redirect("tenants:works_detail", uuid=created.uuid)

    return _save(request, form, do) or render(
        request, "tenants/works_form.html", {"form": form, "title": _("Nouveau chantier")}
    )


def works_edit(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    found = _works(request, uuid)
    form = WorksForm(
        posted(request),
        initial={
            "name": found.name,
            "kind": found.kind,
            "district": found.district,
            "start_date": found.start_date,
            "end_date": found.end_date,
        },
    )

    def do(data):
        works.update_works(found, **data)
        messages.success(request, _("Chantier mis à jour."))
        return redirect("tenants:works_detail", uuid=found.uuid)

    return _save(request, form, do) or render(
        request,
        "tenants/works_form.html",
        {"form": form, "title": _("Modifier le chantier"), "works": found},
    )


def works_detail(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    found = _works(request, uuid)
    search = UnitSearchForm(request.GET or None)
    candidates = []
    if search.is_valid() and search.cleaned_data["q"]:
        candidates = list(works.find_units(found, search.cleaned_data["q"]))
    return render(
        request,
        "tenants/works_detail.html",
        {
            "works": found,
            "units": list(works.units_of(found)),
            "search": search,
            "candidates": candidates,
            "searched": bool(search.is_bound and request.GET.get("q", "").strip()),
        },
    )


@require_POST
def works_attach(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    found = _works(request, uuid)
    ids = request.POST.getlist("unit")
    units = HousingUnit.objects.filter(slsp_id=found.slsp_id, uuid__in=_uuids(ids))
    if not ids or not units:
        messages.error(request, _("Choisissez au moins un logement dans les résultats."))
    else:
        try:
            count = works.attach_units(found, units)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                ngettext("%(count)s logement rattaché.", "%(count)s logements rattachés.", count)
                % {"count": count},
            )
    return redirect("tenants:works_detail", uuid=found.uuid)


@require_POST
def works_detach(request: AuthenticatedHttpRequest, uuid: UUID, unit: UUID) -> HttpResponse:
    found = _works(request, uuid)
    target = get_visible_or_404(found.units.all(), uuid=unit)
    works.detach_unit(found, target)
    messages.success(request, _("Logement retiré du chantier."))
    return redirect("tenants:works_detail", uuid=found.uuid)


def works_close(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    found = _works(request, uuid)
    form = CloseWorksForm(posted(request), initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            works.close_works(found, end_date=form.cleaned_data["end_date"])
        except ValidationError as exc:
            form.add_error("end_date", exc)
        else:
            messages.success(request, _("Chantier clôturé."))
            return redirect("tenants:works")
    return confirmation_page(
        request,
        Confirmation(
            title=gettext_lazy("Clôturer le chantier"),
            question=_("Clôturer le chantier « %(name)s » ?") % {"name": found.name},
            consequences=works.close_consequences(found),
            cancel_url=reverse("tenants:works_detail", kwargs={"uuid": found.uuid}),
            confirm_label=gettext_lazy("Clôturer"),
            irreversible=False,
        ),
        form,
    )


def _uuids(values):
    result = []
    for value in values:
        try:
            result.append(UUID(value))
        except ValueError:
            continue
    return result

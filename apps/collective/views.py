"""Collective actions: list, detail with sessions, create and edit, log a session,
record the qualitative outcome. Thin: rules in services, reads in queries; an
out-of-scope action answers 404 (apps.core.permissions)."""

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.http import AuthenticatedHttpRequest
from apps.collective import queries, services
from apps.collective.filters import CollectiveActionFilter
from apps.collective.forms import ActionSessionForm, CollectiveActionForm, OutcomeForm
from apps.collective.models import ActionSession, CollectiveAction
from apps.core import versioning
from apps.core.confirm import Confirmation, ConfirmForm, confirmation_page
from apps.core.forms import posted
from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.slsps.queries import slsps_for

PAGE_SIZE = 25
T = TypeVar("T")


def _action(request: AuthenticatedHttpRequest, uuid: UUID) -> CollectiveAction:
    """An action the user may change, else 404."""
    action = get_visible_or_404(queries.collective_actions_for(request.user), uuid=uuid)
    require(request.user, "collective.change_collective_action", action)
    return action


@permission_required("collective.view_collective_actions")
def collective_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = CollectiveActionFilter(
        request.GET,
        queryset=queries.collective_action_rows(request.user).order_by("-start_date", "-pk"),
        districts=queries.collective_districts(request.user),
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "can_add": allowed(request.user, "collective.add_collective_action"),
    }
    return render(request, "collective/list.html", context)


def collective_detail(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    action = get_visible_or_404(queries.collective_action_detail(request.user), uuid=uuid)
    require(request.user, "collective.view_collective_action", action)
    can_act = allowed(request.user, "collective.change_collective_action", action)
    context = {
        "action": action,
        "sessions": list(queries.sessions_of(action)),
        "can_act": can_act,
        "session_form": ActionSessionForm() if can_act else None,
    }
    return render(request, "collective/detail.html", context)


def _save_or_refuse(form: Form, write: Callable[[], T]) -> T | None:
    """Run the service; a refused rule becomes a form error (nothing saved)."""
    try:
        return write()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@permission_required("collective.add_collective_action")
def collective_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    acting = queries.acting_slsp_ids(request.user)
    slsps = list(slsps_for(request.user).filter(pk__in=acting).order_by("pk"))
    if not slsps:
        raise Http404
    partners = queries.network_partners_of(request.user, [s.pk for s in slsps])
    form = CollectiveActionForm(posted(request), slsps=slsps, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        slsp = next(s for s in slsps if s.pk == data.pop("slsp"))
        require(request.user, "collective.change_collective_action", slsp)
        action = _save_or_refuse(form, lambda: services.create_action(slsp, request.user, **data))
        if action is not None:
            messages.success(request, _("L'action collective a été créée."))
            return redirect("collective:collective_detail", uuid=action.uuid)
    context = {"form": form, "districts": queries.collective_districts(request.user)}
    return render(request, "collective/form.html", context)


def collective_edit(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    action = _action(request, uuid)
    current = list(action.partners.values_list("pk", flat=True))
    partners = queries.action_partner_choices(request.user, action, current)
    initial = {
        "kind": action.kind,
        "title": action.title,
        "district": action.district,
        "objective": action.objective,
        "start_date": action.start_date,
        "end_date": action.end_date,
        "partners": current,
    }
    form = CollectiveActionForm(posted(request), partners=partners, initial=initial)
    versioning.track(form, action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data | {"version": versioning.expected(form)}
        try:
            saved = _save_or_refuse(form, lambda: services.update_action(action, **data))
        except versioning.StaleEdit as stale:
            versioning.refuse(form, stale.current)
            saved = None
        if saved is not None:
            messages.success(request, _("L'action collective a été modifiée."))
            return redirect("collective:collective_detail", uuid=action.uuid)
    context = {
        "form": form,
        "action": action,
        "districts": queries.collective_districts(request.user),
    }
    return render(request, "collective/form.html", context)


def session_add(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    action = _action(request, uuid)
    form = ActionSessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        session = _save_or_refuse(
            form, lambda: services.log_session(action, request.user, **form.cleaned_data)
        )
        if session is not None:
            messages.success(
                request,
                _("Séance du %(date)s enregistrée.") % {"date": f"{session.date:%d/%m/%Y}"},
            )
            return redirect("collective:collective_detail", uuid=action.uuid)
    return render(request, "collective/session_form.html", {"form": form, "action": action})


def _session(request: AuthenticatedHttpRequest, uuid: UUID) -> ActionSession:
    session = get_visible_or_404(
        queries.action_sessions_for(request.user).select_related("action"), uuid=uuid
    )
    require(request.user, "collective.change_collective_action", session.action)
    return session


def session_edit(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    session = _session(request, uuid)
    action = session.action
    initial = {
        "date": session.date,
        "participants": session.participants,
        "tenants": session.tenants,
        "volunteers": session.volunteers,
        "note": session.note,
    }
    form = ActionSessionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save_or_refuse(form, lambda: services.update_session(session, **form.cleaned_data))
        if saved is not None:
            messages.success(
                request,
                _("Séance du %(date)s modifiée.") % {"date": f"{saved.date:%d/%m/%Y}"},
            )
            return redirect("collective:collective_detail", uuid=action.uuid)
    context = {"form": form, "action": action, "session": session}
    return render(request, "collective/session_form.html", context)


def session_delete(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    session = _session(request, uuid)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.delete_session(session)
        messages.success(
            request, _("Séance du %(date)s supprimée.") % {"date": f"{session.date:%d/%m/%Y}"}
        )
        return redirect("collective:collective_detail", uuid=session.action.uuid)
    return confirmation_page(
        request,
        Confirmation(
            title=_("Supprimer une séance"),
            question=_("Supprimer la séance du %(date)s de l'action « %(action)s » ?")
            % {"date": f"{session.date:%d/%m/%Y}", "action": session.action.title},
            consequences=[
                _("La séance et ses comptes de présence (%(count)s participants) disparaissent.")
                % {"count": session.participants},
                _("Les totaux de l'action sont recalculés."),
            ],
            cancel_url=reverse("collective:session_edit", kwargs={"uuid": session.uuid}),
            confirm_label=_("Supprimer la séance"),
        ),
        form,
    )


def outcome_record(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    action = _action(request, uuid)
    form = OutcomeForm(posted(request), initial={"outcome": action.outcome})
    if request.method == "POST" and form.is_valid():
        saved = _save_or_refuse(
            form, lambda: services.record_outcome(action, outcome=form.cleaned_data["outcome"])
        )
        if saved is not None:
            messages.success(request, _("Le résultat qualitatif a été enregistré."))
            return redirect("collective:collective_detail", uuid=action.uuid)
    return render(request, "collective/outcome_form.html", {"form": form, "action": action})

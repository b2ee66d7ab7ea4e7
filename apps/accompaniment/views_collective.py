"""Collective actions: list, detail with sessions, create and edit, log a session,
record the qualitative outcome. Thin: rules in services_collective, reads in
queries_collective; an out-of-scope action answers 404."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accompaniment import queries_collective as queries
from apps.accompaniment import services_collective as services
from apps.accompaniment.filters_collective import CollectiveActionFilter
from apps.accompaniment.forms_collective import ActionSessionForm, CollectiveActionForm, OutcomeForm
from apps.core.forms import posted
from apps.slsps.queries import slsps_for

PAGE_SIZE = 25


def _require(request, perm, obj=None):
    # The rule itself, without Django's superuser bypass (as in apps/partners/views.py).
    if not rules.has_perm(perm, request.user, obj):
        raise Http404


def _action(request, uuid, perm="accompaniment.change_collective_action"):
    action = get_object_or_404(queries.collective_actions_for(request.user), uuid=uuid)
    _require(request, perm, action)
    return action


@login_required
def collective_list(request):
    _require(request, "accompaniment.view_collective_actions")
    filterset = CollectiveActionFilter(
        request.GET,
        queryset=queries.collective_action_rows(request.user).order_by("-start_date", "-pk"),
        districts=queries.collective_districts(request.user),
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "can_add": rules.has_perm("accompaniment.add_collective_action", request.user),
    }
    return render(request, "accompaniment/collective/list.html", context)


@login_required
def collective_detail(request, uuid):
    action = get_object_or_404(queries.collective_action_detail(request.user), uuid=uuid)
    _require(request, "accompaniment.view_collective_action", action)
    can_act = rules.has_perm("accompaniment.change_collective_action", request.user, action)
    context = {
        "action": action,
        "sessions": list(queries.sessions_of(action)),
        "can_act": can_act,
        "session_form": ActionSessionForm() if can_act else None,
    }
    return render(request, "accompaniment/collective/detail.html", context)


def _save_or_refuse(form, write):
    """Run the service; a refused rule becomes a form error (nothing saved)."""
    try:
        return write()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def collective_create(request):
    _require(request, "accompaniment.add_collective_action")
    acting = queries.acting_slsp_ids(request.user)
    slsps = list(slsps_for(request.user).filter(pk__in=acting).order_by("pk"))
    if not slsps:
        raise Http404
    partners = queries.network_partners_of(request.user, [s.pk for s in slsps])
    form = CollectiveActionForm(posted(request), slsps=slsps, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        slsp = next(s for s in slsps if s.pk == data.pop("slsp"))
        _require(request, "accompaniment.change_collective_action", slsp)
        action = _save_or_refuse(form, lambda: services.create_action(slsp, request.user, **data))
        if action is not None:
            messages.success(request, _("L'action collective a été créée."))
            return redirect("accompaniment:collective_detail", uuid=action.uuid)
    context = {"form": form, "districts": queries.collective_districts(request.user)}
    return render(request, "accompaniment/collective/form.html", context)


@login_required
def collective_edit(request, uuid):
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
    if request.method == "POST" and form.is_valid():
        saved = _save_or_refuse(form, lambda: services.update_action(action, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("L'action collective a été modifiée."))
            return redirect("accompaniment:collective_detail", uuid=action.uuid)
    context = {
        "form": form,
        "action": action,
        "districts": queries.collective_districts(request.user),
    }
    return render(request, "accompaniment/collective/form.html", context)


@login_required
def session_add(request, uuid):
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
            return redirect("accompaniment:collective_detail", uuid=action.uuid)
    return render(
        request, "accompaniment/collective/session_form.html", {"form": form, "action": action}
    )


def _session(request, uuid):
    session = get_object_or_404(
        queries.action_sessions_for(request.user).select_related("action"), uuid=uuid
    )
    _require(request, "accompaniment.change_collective_action", session.action)
    return session


@login_required
def session_edit(request, uuid):
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
            return redirect("accompaniment:collective_detail", uuid=action.uuid)
    context = {"form": form, "action": action, "session": session}
    return render(request, "accompaniment/collective/session_form.html", context)


@login_required
@require_POST
def session_delete(request, uuid):
    session = _session(request, uuid)
    services.delete_session(session)
    messages.success(
        request, _("Séance du %(date)s supprimée.") % {"date": f"{session.date:%d/%m/%Y}"}
    )
    return redirect("accompaniment:collective_detail", uuid=session.action.uuid)


@login_required
def outcome_record(request, uuid):
    action = _action(request, uuid)
    form = OutcomeForm(posted(request), initial={"outcome": action.outcome})
    if request.method == "POST" and form.is_valid():
        saved = _save_or_refuse(
            form, lambda: services.record_outcome(action, outcome=form.cleaned_data["outcome"])
        )
        if saved is not None:
            messages.success(request, _("Le résultat qualitatif a été enregistré."))
            return redirect("accompaniment:collective_detail", uuid=action.uuid)
    return render(
        request, "accompaniment/collective/outcome_form.html", {"form": form, "action": action}
    )

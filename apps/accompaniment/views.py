"""Lists and work lists, and the POST actions of the household page (each returns to it
with a message; logging a moment also answers fetch() with JSON to confirm in place)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accompaniment import queries, sections, sensitive, services
from apps.accompaniment.filters import FollowUpFilter
from apps.accompaniment.forms import (
    BreakGlassForm,
    CloseFollowUpForm,
    ConsentForm,
    FollowUpForm,
    MomentForm,
    ObjectiveStatusForm,
)
from apps.accompaniment.models import Domain
from apps.accompaniment.queries import (
    follow_ups_for,
    follow_ups_of,
    network_partners,
    timeline_moments,
    works_of,
)
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.services import log_access
from apps.core.forms import error_text, posted
from apps.core.jinja2env import uuid_url_maker
from apps.core.pagination import CountedPaginator
from apps.core.permissions import get_visible_or_404, permission_required, require
from apps.tenants.queries import districts_for, households_for

WORK_LIST_LIMIT = 200


def _household(request, uuid):
    household = get_visible_or_404(households_for(request.user), uuid=uuid)
    require(request.user, "accompaniment.act_for", household)
    return household


def _back(household):
    return redirect("tenants:household", uuid=household.uuid)


def _refuse(request, form_or_error):
    messages.error(request, error_text(form_or_error))


def _form_page(request, household, form, action, title, submit):
    return render(
        request,
        "accompaniment/form_page.html",
        {
            "household": household,
            "form": form,
            "action": action,
            "title": title,
            "submit": submit,
        },
    )


# The consent and follow-up forms are rarely used: the household page links to them
# rather than rendering them (with the whole partner network) on every visit.
def consent_form(request, uuid):
    household = _household(request, uuid)
    return _form_page(
        request,
        household,
        ConsentForm(partners=network_partners(request.user, household)),
        "accompaniment:consent_create",
        _("Enregistrer un consentement"),
        _("Enregistrer le consentement"),
    )


def follow_up_form(request, uuid):
    household = _household(request, uuid)
    return _form_page(
        request,
        household,
        FollowUpForm(works=works_of(household)),
        "accompaniment:follow_up_create",
        _("Ouvrir un suivi"),
        _("Ouvrir le suivi"),
    )


@require_POST
def consent_create(request, uuid):
    household = _household(request, uuid)
    form = ConsentForm(request.POST, partners=network_partners(request.user, household))
    if not form.is_valid():
        _refuse(request, form)
        return _back(household)
    try:
        services.record_consent(household, request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Consentement enregistré."))
    return _back(household)


@require_POST
def consent_withdraw(request, uuid):
    consent = get_visible_or_404(
        queries.consents_for(request.user).select_related("household"), uuid=uuid
    )
    require(request.user, "accompaniment.act_for", consent)
    try:
        services.withdraw_consent(consent, user=request.user)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(
            request,
            _(
                "Consentement retiré : les suivis liés sont clôturés "
                "et plus aucun partage n'est autorisé."
            ),
        )
    return _back(consent.household)


@require_POST
def follow_up_create(request, uuid):
    household = _household(request, uuid)
    form = FollowUpForm(request.POST, works=works_of(household))
    if not form.is_valid():
        _refuse(request, form)
        return _back(household)
    data = dict(form.cleaned_data)
    more = data.pop("more_objectives")
    try:
        services.open_follow_up(household, request.user, more_objectives=more, **data)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Suivi ouvert."))
    return _back(household)


@require_POST
def follow_up_close(request, uuid):
    follow_up = get_visible_or_404(follow_ups_for(request.user), uuid=uuid)
    require(request.user, "accompaniment.act_for", follow_up)
    form = CloseFollowUpForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
    else:
        try:
            services.close_follow_up(follow_up, outcome=form.cleaned_data["outcome"])
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("Suivi clôturé."))
    return _back(follow_up.household)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def moment_create(request, uuid):
    household = _household(request, uuid)
    form = MomentForm(
        request.POST,
        follow_ups=list(follow_ups_of(household)),
        partners=network_partners(request.user, household),
    )
    moment, error = None, None
    if not form.is_valid():
        error = form
    else:
        try:
            moment = services.log_moment(household, request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = exc
    if _wants_json(request):
        # Progressive enhancement: static/js/accompaniment.js confirms in place.
        if error is not None:
            return JsonResponse({"ok": False, "message": error_text(error)}, status=400)
        # The same row as the household page's timeline (sections.moment_rows).
        rows = sections.moment_rows(
            timeline_moments(household).filter(pk=moment.pk),
            can_read_sensitive=sensitive.may_read_sensitive(request.user, household),
        )
        html = render_to_string("accompaniment/timeline.html", {"events": rows}, using="jinja2")
        return JsonResponse({"ok": True, "message": _("Moment enregistré."), "html": html})
    if error is not None:
        _refuse(request, error)
    else:
        messages.success(request, _("Moment enregistré."))
    return _back(household)


@require_POST
def objective_status(request, uuid):
    objective = get_visible_or_404(
        queries.objectives_for(request.user).select_related("follow_up__household"), uuid=uuid
    )
    require(request.user, "accompaniment.act_for", objective)
    form = ObjectiveStatusForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
    else:
        services.set_objective_status(objective, form.cleaned_data["status"])
        messages.success(request, _("Objectif mis à jour."))
    return _back(objective.follow_up.household)


def moment_sensitive(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    """Break glass: a health or violence note is shown only after a reason, which is logged."""
    moment = get_visible_or_404(
        queries.moments_for(request.user).exclude(sensitivity="").select_related("household"),
        uuid=uuid,
    )
    if not sensitive.may_read_sensitive(request.user, moment):
        raise Http404
    form = BreakGlassForm(posted(request))
    note = None
    if request.method == "POST" and form.is_valid():
        note = sensitive.reveal(request, [moment], reason=form.cleaned_data["reason"])[moment.pk]
    else:
        log_access(request, moment.household)
    context = {
        "moment": moment,
        "household": moment.household,
        "form": form,
        "revealed": note is not None,
        "note": note,
    }
    return render(request, "accompaniment/moment_sensitive.html", context)


@permission_required("accompaniment.view_follow_ups")
def follow_up_list(request):
    filterset = FollowUpFilter(
        request.GET,
        queryset=queries.follow_up_rows(request.user).order_by("-opened_on", "-pk"),
        districts=districts_for(request.user),
    )
    # The page and the total in one query (the filter's joins run once).
    page = CountedPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accompaniment/follow_up_list.html",
        {"filter": filterset, "page": page, "rows": _follow_up_list_rows(page)},
    )


def _follow_up_list_rows(follow_ups) -> list[dict]:
    """The page's rows with their display values computed once (dates, labels, one
    reverse() for every household link): per-row template lookups, filters and {% url %}
    were most of the list's time."""
    household_url = uuid_url_maker("tenants:household")
    domains: dict[str, str] = {}
    day = sections.DATE_FORMAT
    rows = []
    for follow_up in follow_ups:
        household = follow_up.household
        for d in follow_up.domains:
            if d not in domains:
                domains[d] = str(Domain(d).label)  # as FollowUp.domain_labels()
        rows.append(
            {
                "household_href": household_url(household.uuid),
                "household": str(household),
                "reference": household.reference,
                "objective": follow_up.objective,
                "domains": ", ".join(domains[d] for d in follow_up.domains),
                "place": f"{follow_up.address or '—'} ({follow_up.district})"
                if follow_up.district
                else follow_up.address or "—",
                "opened_on": follow_up.opened_on.strftime(day),
                "last_moment": follow_up.last_moment.strftime(day)
                if follow_up.last_moment
                else "—",
                "moment_count": follow_up.moment_count,
                "closed_on": follow_up.closed_on.strftime(day) if follow_up.closed_on else "",
            }
        )
    return rows


@permission_required("accompaniment.view_work_lists")
def work_lists(request):
    welcome = queries.first_year_without_welcome(request.user)
    stale = queries.stale_follow_ups(request.user)
    works = queries.households_in_works(request.user)
    context = {
        "welcome": list(welcome[:WORK_LIST_LIMIT]),
        "welcome_count": welcome.count(),
        "stale": list(stale[:WORK_LIST_LIMIT]),
        "stale_count": stale.count(),
        "works": list(works[:WORK_LIST_LIMIT]),
        "works_count": works.count(),
        "stale_days": queries.stale_days(),
        "limit": WORK_LIST_LIMIT,
    }
    return render(request, "accompaniment/work_lists.html", context)

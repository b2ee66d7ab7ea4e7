"""Lists and work lists, and the POST actions of the household page (each returns to it
with a message; logging a moment also answers fetch() with JSON to confirm in place)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accompaniment import queries, sections, sensitive, services
from apps.accompaniment.filters import FollowUpFilter
from apps.accompaniment.forms import (
    BreakGlassForm,
    CloseFollowUpForm,
    ConsentForm,
    FollowUpForm,
    MomentCorrectionForm,
    MomentForm,
    ObjectiveStatusForm,
    ReasonForm,
    WithdrawConsentForm,
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
from apps.core.confirm import Confirmation, confirmation_page
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


def _form_page(request, household, form, action, title, submit, *, action_uuid=None):
    """A form of the household page on a page of its own: the empty form when opened, and
    the same form with what was typed and its errors when refused (never a redirect)."""
    return render(
        request,
        "accompaniment/form_page.html",
        {
            "household": household,
            "form": form,
            "action": action,
            "action_uuid": action_uuid or household.uuid,
            "title": title,
            "submit": submit,
        },
    )


def _add_service_error(form, exc: ValidationError) -> None:
    """A refusal of the service shown on the form, beside what was typed."""
    form.add_error(None, exc)


# The consent and follow-up forms are rarely used: the household page links to them
# rather than rendering them (with the whole partner network) on every visit.
def consent_form(request, uuid):
    household = _household(request, uuid)
    return _consent_page(
        request, household, ConsentForm(partners=network_partners(request.user, household))
    )


def _consent_page(request, household, form):
    return _form_page(
        request,
        household,
        form,
        "accompaniment:consent_create",
        _("Enregistrer un consentement"),
        _("Enregistrer le consentement"),
    )


def follow_up_form(request, uuid):
    household = _household(request, uuid)
    return _follow_up_page(request, household, FollowUpForm(works=works_of(household)))


def _follow_up_page(request, household, form):
    return _form_page(
        request,
        household,
        form,
        "accompaniment:follow_up_create",
        _("Ouvrir un suivi"),
        _("Ouvrir le suivi"),
    )


@require_POST
def consent_create(request, uuid):
    household = _household(request, uuid)
    form = ConsentForm(request.POST, partners=network_partners(request.user, household))
    if form.is_valid():
        try:
            services.record_consent(household, request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Consentement enregistré."))
            return _back(household)
    return _consent_page(request, household, form)


def consent_withdraw(request, uuid):
    """Withdraw all or part of a consent in two steps: the choices (date, reason, what is
    withdrawn), then what exactly it will stop, confirmed as shown."""
    consent = get_visible_or_404(
        queries.consents_for(request.user).select_related("household"), uuid=uuid
    )
    require(request.user, "accompaniment.act_for", consent)
    household = consent.household
    if consent.withdrawn_on is not None:
        messages.info(request, _("Ce consentement a déjà été retiré."))
        return _back(household)
    form = WithdrawConsentForm(posted(request), consent=consent)
    consequences = [
        _("Choisissez ce que le ménage retire : la page suivante montre ce que cela arrêtera.")
    ]
    label, irreversible = _("Voir ce que le retrait arrête"), False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_withdrawal(
                consent,
                on=data["withdrawn_on"],
                follow_up=bool(data.get("follow_up")),
                partners=data["partners"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            key = form.choice_key()
            if data["previewed"] == key:
                try:
                    services.withdraw_consent(
                        consent,
                        on=data["withdrawn_on"],
                        user=request.user,
                        follow_up=bool(data.get("follow_up")),
                        partners=data["partners"],
                        reason=data["reason"],
                    )
                except ValidationError as exc:
                    # Someone withdrew part of it meanwhile: say so on the same page.
                    _add_service_error(form, exc)
                else:
                    messages.success(request, _("Retrait du consentement enregistré."))
                    return _back(household)
            else:
                # The consequences of these choices; confirming acts on these choices only.
                shown = request.POST.copy()
                shown[form.add_prefix("previewed")] = key
                form = WithdrawConsentForm(shown, consent=consent)
                form.is_valid()
                consequences = plan.consequences()
                label, irreversible = _("Confirmer le retrait"), True
    return confirmation_page(
        request,
        Confirmation(
            title=_("Retirer un consentement"),
            question=_(
                "Le ménage retire son accord du %(date)s. Indiquez ce qu'il retire, "
                "depuis quand et pourquoi."
            )
            % {"date": f"{consent.given_on:%d/%m/%Y}"},
            consequences=consequences,
            cancel_url=_household_url(household),
            confirm_label=label,
            irreversible=irreversible,
        ),
        form,
    )


def _household_url(household) -> str:
    return reverse("tenants:household", kwargs={"uuid": household.uuid})


@require_POST
def follow_up_create(request, uuid):
    household = _household(request, uuid)
    form = FollowUpForm(request.POST, works=works_of(household))
    if form.is_valid():
        data = dict(form.cleaned_data)
        more = data.pop("more_objectives")
        try:
            services.open_follow_up(household, request.user, more_objectives=more, **data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Suivi ouvert."))
            return _back(household)
    return _follow_up_page(request, household, form)


def _follow_up(request, uuid):
    follow_up = get_visible_or_404(
        follow_ups_for(request.user).select_related("household"), uuid=uuid
    )
    require(request.user, "accompaniment.act_for", follow_up)
    return follow_up


def follow_up_close(request, uuid):
    follow_up = _follow_up(request, uuid)
    if not follow_up.is_open:
        messages.info(request, _("Ce suivi est déjà clôturé."))
        return _back(follow_up.household)
    objectives = services.open_objectives(follow_up)
    form = CloseFollowUpForm(posted(request), objectives=objectives)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_follow_up(
                follow_up,
                outcome=form.cleaned_data["outcome"],
                closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["note"],
                objective_statuses=form.objective_statuses(),
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Suivi clôturé."))
            return _back(follow_up.household)
    consequences = [
        _("Le suivi « %(objective)s » sera clôturé ; il pourra être rouvert, avec un motif.")
        % {"objective": follow_up.objective},
        _("Aucun moment ne pourra plus y être rattaché tant qu'il est clôturé."),
    ]
    if objectives:
        consequences.append(
            _("Chaque objectif encore ouvert reçoit le statut final choisi ci-dessous.")
        )
    return confirmation_page(
        request,
        Confirmation(
            title=_("Clôturer un suivi"),
            question=_("Quelle est l'issue de ce suivi ?"),
            consequences=consequences,
            cancel_url=_household_url(follow_up.household),
            confirm_label=_("Clôturer le suivi"),
            irreversible=False,
        ),
        form,
    )


def follow_up_reopen(request, uuid):
    follow_up = _follow_up(request, uuid)
    if follow_up.is_open:
        messages.info(request, _("Ce suivi est déjà ouvert."))
        return _back(follow_up.household)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_follow_up(follow_up, request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Suivi rouvert."))
            return _back(follow_up.household)
    return confirmation_page(
        request,
        Confirmation(
            title=_("Rouvrir un suivi"),
            question=_("Pourquoi rouvrir le suivi « %(objective)s » ?")
            % {"objective": follow_up.objective},
            consequences=[
                _(
                    "Sa clôture du %(date)s (%(outcome)s) est annulée ; elle reste dans "
                    "l'historique avec le motif de la réouverture."
                )
                % {
                    "date": f"{follow_up.closed_on:%d/%m/%Y}",
                    "outcome": follow_up.get_outcome_display(),
                },
            ],
            cancel_url=_household_url(follow_up.household),
            confirm_label=_("Rouvrir le suivi"),
            irreversible=False,
        ),
        form,
    )


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
            _add_service_error(form, exc)
    if _wants_json(request):
        # Progressive enhancement: static/js/accompaniment.js confirms in place.
        if error is not None:
            return JsonResponse({"ok": False, "message": error_text(error)}, status=400)
        # The same row as the household page's timeline (sections.moment_rows).
        rows = sections.moment_rows(
            timeline_moments(household).filter(pk=moment.pk),
            can_read_sensitive=sensitive.may_read_sensitive(request.user, household),
            corrector=(request.user.pk, True, False),
        )
        html = render_to_string("accompaniment/timeline.html", {"events": rows}, using="jinja2")
        return JsonResponse({"ok": True, "message": _("Moment enregistré."), "html": html})
    if error is not None:
        return _form_page(
            request,
            household,
            form,
            "accompaniment:moment_create",
            _("Noter un moment"),
            _("Noter le moment"),
        )
    messages.success(request, _("Moment enregistré."))
    return _back(household)


def _moment(request, uuid):
    moment = get_visible_or_404(
        queries.moments_for(request.user)
        .select_related("household", "follow_up")
        .defer("sensitive_note"),
        uuid=uuid,
    )
    require(request.user, "accompaniment.correct_moment", moment)
    return moment


def moment_correct(request, uuid):
    moment = _moment(request, uuid)
    household = moment.household
    form = MomentCorrectionForm(
        posted(request),
        moment=moment,
        follow_ups=list(follow_ups_of(household)),
        partners=network_partners(request.user, household),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.correct_moment(moment, request.user, **data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Moment corrigé ; la correction figure dans l'historique."))
            return _back(household)
    return _form_page(
        request,
        household,
        form,
        "accompaniment:moment_correct",
        _("Corriger un moment"),
        _("Enregistrer la correction"),
        action_uuid=moment.uuid,
    )


def moment_delete(request, uuid):
    moment = _moment(request, uuid)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.delete_moment(moment, request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Moment supprimé ; la suppression figure dans l'historique."))
        return _back(moment.household)
    return confirmation_page(
        request,
        Confirmation(
            title=_("Supprimer un moment"),
            question=_("Supprimer le moment « %(moment)s » ?")
            % {"moment": f"{moment.get_kind_display()} — {moment.date:%d/%m/%Y}"},
            consequences=[
                _("Le moment disparaît de la chronologie et des comptes d'activité."),
                _(
                    "L'historique du ménage garde ce qu'il disait (sans le texte d'une note "
                    "sensible), qui l'a supprimé et pourquoi."
                ),
            ],
            cancel_url=_household_url(moment.household),
            confirm_label=_("Supprimer le moment"),
        ),
        form,
    )


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

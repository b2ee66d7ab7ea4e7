"""Referral pages: create from a follow-up, detail and workflow, the SLSP's list, the
network view and a partner's statistics; and the public page of the partner's link."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_scopes import scope, scopes_disabled

from apps.accompaniment.queries import follow_ups_for
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import AccessLog
from apps.accounts.services import log_access
from apps.core import formats
from apps.core.charts import hbar_chart
from apps.core.confirm import Confirmation, confirmation_page
from apps.core.forms import error_text
from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.partners.queries import agreements_for, partners_for
from apps.referrals import queries
from apps.referrals import services as referrals
from apps.referrals.forms import (
    ConfirmAnswerForm,
    PartnerAnswerForm,
    RecordAnswerForm,
    ReferralFilterForm,
    ReferralForm,
    SendForm,
)
from apps.referrals.models import (
    LinkPurpose,
    Referral,
    ReferralLink,
    ReferralLinkUse,
    ReferralStatus,
    SharedData,
)
from apps.slsps.queries import slsps_for
from apps.tenants.models import Member, Tenancy


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _referral(
    request: AuthenticatedHttpRequest, uuid: UUID, perm: str = "referrals.view_referral"
) -> Referral:
    referral = get_visible_or_404(
        queries.referrals_for(request.user).select_related(
            "household", "partner", "agreement", "follow_up", "slsp"
        ),
        uuid=uuid,
    )
    require(request.user, perm, referral)
    return referral


def referral_create(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    follow_up = get_visible_or_404(
        follow_ups_for(request.user).select_related("household"), uuid=uuid
    )
    require(request.user, "referrals.refer", follow_up)
    household = follow_up.household
    partners = queries.referrable_partners(request.user, household)
    form = ReferralForm(request.POST if request.method == "POST" else None, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referrals.propose_referral(follow_up, request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Orientation proposée. Envoyez-la au partenaire."))
            return redirect("referrals:referral_detail", uuid=referral.uuid)
    log_access(request, household)
    context = {"form": form, "follow_up": follow_up, "household": household}
    return render(request, "referrals/create.html", context)


def referral_detail(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    referral = _referral(request, uuid)
    can_refer = allowed(request.user, "referrals.refer", referral)
    log_access(request, referral.household)
    context = {
        "referral": referral,
        "events": list(queries.referral_events(referral)),
        "links": list(referral.links.select_related("email").order_by("-created_at")),
        "can_refer": can_refer,
        "send_form": SendForm(initial={"recipient_email": referrals.default_recipient(referral)})
        if can_refer and referral.status == ReferralStatus.PROPOSED
        else None,
        "resend_form": SendForm(initial={"recipient_email": referral.recipient_email})
        if can_refer and referral.sharing and referral.status in referrals.LINK_FOR_STATUS
        else None,
        "answer_form": RecordAnswerForm()
        if can_refer and referral.sharing and referral.status != ReferralStatus.PROPOSED
        else None,
        "now": timezone.now(),
    }
    return render(request, "referrals/detail.html", context)


def _send_form(
    request: AuthenticatedHttpRequest,
    uuid: UUID,
    send: Callable[..., Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    """The send and resend buttons: the partner's e-mail, a service that issues the link,
    a message, back to the referral. A refused rule or a bad address changes nothing."""
    referral = _referral(request, uuid, "referrals.refer")
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        try:
            result = send(
                referral,
                request.user,
                recipient_email=form.cleaned_data["recipient_email"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, success(result))
    return redirect("referrals:referral_detail", uuid=referral.uuid)


@require_POST
def referral_send(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    return _send_form(
        request,
        uuid,
        referrals.send_referral,
        lambda sent: _("Orientation envoyée : son lien part par e-mail (état ci-dessous)."),
    )


@require_POST
def referral_resend(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    return _send_form(
        request,
        uuid,
        referrals.resend_link,
        lambda link: (
            _("Nouveau lien envoyé à %(email)s ; le précédent ne fonctionne plus.")
            % {"email": link.recipient_email}
        ),
    )


# Recording these ends what the partner may see: the référent confirms first.
SHARING_ENDS = (ReferralStatus.REFUSED, ReferralStatus.CLOSED)


@require_POST
def referral_transition(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    referral = _referral(request, uuid, "referrals.refer")
    form = RecordAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("referrals:referral_detail", uuid=referral.uuid)
    data = form.cleaned_data
    try:
        referrals.check_transition(referral, data["status"], outcome=data["outcome"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("referrals:referral_detail", uuid=referral.uuid)
    if data["status"] in SHARING_ENDS and request.POST.get("confirmed") != "1":
        return confirmation_page(
            request,
            Confirmation(
                title=_("Orientation vers %(partner)s : %(status)s")
                % {"partner": referral.partner, "status": ReferralStatus(data["status"]).label},
                question=_("Enregistrer ce statut ?"),
                consequences=[
                    _("Le partenaire n'aura plus accès aux données partagées par son lien."),
                    _("Ce statut ne pourra plus être modifié."),
                ],
                cancel_url=reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid}),
                confirm_label=_("Enregistrer"),
            ),
            ConfirmAnswerForm(initial=data),
        )
    try:
        referrals.transition(
            referral,
            data["status"],
            user=request.user,
            note=data["note"],
            outcome=data["outcome"],
            outcome_note=data["note"] if data["status"] == ReferralStatus.CLOSED else "",
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Statut de l'orientation mis à jour."))
    return redirect("referrals:referral_detail", uuid=referral.uuid)


LIST_SIZE = 50


@permission_required("referrals.view_referrals")
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    slsp_ids = request.user.slsp_ids()
    partners = partners_for(request.user).filter(slsp_links__slsp_id__in=slsp_ids).distinct()
    form = ReferralFilterForm(request.GET or None, partners=partners.order_by("name"))
    rows = queries.referral_rows(request.user).order_by("-proposed_at", "-pk")
    if form.is_valid():
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["partner"]:
            rows = rows.filter(partner=form.cleaned_data["partner"])
    page = Paginator(rows, LIST_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/list.html", {"form": form, "page": page})


# --- Network view and partner statistics (counts only) ---


def _chart_rows(by_type: Any, value: Callable[[Any], Any], unit: str = "") -> list:
    """(label, bar value, text) rows; a suppressed or missing figure draws no bar, so
    its length never reveals what the text hides."""
    rows = []
    for label, stats in by_type:
        number = value(stats)
        if number is None or isinstance(number, str):
            rows.append((label, 0, number if isinstance(number, str) else "—"))
        else:
            text = formats.number(number, 1 if isinstance(number, float) else 0)
            rows.append((label, number, f"{text}{unit}"))
    return rows


def _charts(network: dict) -> dict:
    by_type = network["by_type"]
    return {
        "count_chart": hbar_chart(
            _chart_rows(by_type, lambda s: s.shown("total")),
            title=_("Orientations par type de partenaire"),
        ),
        "rate_chart": hbar_chart(
            _chart_rows(by_type, lambda s: s.acceptance_rate, " %"),
            title=_("Taux d'acceptation (%)"),
            color="#6aa84f",
        ),
        "delay_chart": hbar_chart(
            _chart_rows(by_type, lambda s: s.median, " j"),
            title=_("Délai médian de réponse (jours)"),
            color="#e69138",
        ),
    }


@permission_required("referrals.view_network")
def network(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff go to their SLSP's network; coordinators choose an SLSP."""
    user = request.user
    slsp_ids = user.slsp_ids()
    if slsp_ids:
        slsp = slsps_for(user).only("uuid").get(pk=slsp_ids[0])
        return redirect("referrals:network_slsp", uuid=slsp.uuid)
    slsps = slsps_for(user).order_by("official_name").only("uuid", "official_name", "short_name")
    return render(request, "referrals/network_index.html", {"slsps": slsps})


def network_slsp(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    slsp = get_visible_or_404(slsps_for(request.user), uuid=uuid)
    require(request.user, "referrals.view_slsp_network", slsp)
    staff = slsp.pk in request.user.slsp_ids()
    data = queries.network_of(slsp, suppress=not staff)
    context = {"slsp": slsp, "network": data, "staff": staff, **_charts(data)}
    return render(request, "referrals/network.html", context)


@permission_required("referrals.view_network")
def partner_stats(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    user = request.user
    partner = get_visible_or_404(partners_for(user), uuid=uuid)
    slsp_ids = user.slsp_ids()
    staff = bool(slsp_ids)
    stats = queries.partner_referral_stats(
        user, partner, slsp_ids if staff else None, suppress=not staff
    )
    context = {"partner": partner, "stats": stats, "staff": staff}
    if staff:
        rows = queries.referral_rows(user).filter(partner=partner).order_by("-proposed_at", "-pk")
        context["recent"] = list(rows[:LIST_SIZE])
        context["agreements"] = list(
            agreements_for(user).filter(partner=partner).order_by("-end_date")
        )
    return render(request, "referrals/partner_stats.html", context)


# --- The partner's link (public: no account, no session scope) ---


def shared_view(referral: Referral) -> dict:
    """Exactly the data the référent chose to share, and only while a consent covers it."""
    if (
        referral.sharing_stopped_at
        or referrals.sharing_consent(referral.household, referral.partner) is None
    ):
        return {"allowed": False}
    chosen = set(referral.shared_data)
    data = {"allowed": True, "reason": referral.reason}
    household = referral.household
    if SharedData.IDENTITY in chosen:
        data["name"] = household.display_name or household.reference
    if SharedData.MEMBERS in chosen:
        data["members"] = list(
            Member.objects.filter(household=household)
            .order_by("birth_year", "first_name")
            .values("first_name", "birth_year", "relation")
        )
    if chosen & {SharedData.ADDRESS, SharedData.TENANCY}:
        tenancy = (
            Tenancy.objects.filter(household=household)
            .current(timezone.localdate())
            .select_related("unit")
            .first()
        )
        if tenancy and SharedData.ADDRESS in chosen:
            unit = tenancy.unit
            data["address"] = f"{unit.address}, {unit.postal_code} {unit.commune}"
        if tenancy and SharedData.TENANCY in chosen:
            data["tenancy"] = tenancy
    follow_up = referral.follow_up
    if SharedData.ARREARS in chosen:
        data["arrears"] = {
            "stage": follow_up.get_arrears_stage_display(),
            "amount": follow_up.arrears_amount,
        }
    if SharedData.FOLLOW_UP in chosen:
        data["follow_up"] = {"objective": follow_up.objective, "domains": follow_up.domain_labels()}
    return data


def _log_access(request: HttpRequest, link: ReferralLink, referral: Referral, action: str) -> None:
    # The token never goes into a log: the path is recorded without it.
    AccessLog.objects.create(
        user=None,
        slsp_id=link.slsp_id,
        # Named, so the household's access history, export and erasure include the
        # partner's reads.
        subject_household=referral.household_id,
        object_type="tenants.household",
        object_id=str(referral.household.uuid),
        view_name="referrals:referral_link",
        path=reverse("referrals:referral_link", kwargs={"uuid": referral.uuid, "token": "-"}),
        reason=f"{_('Lien partenaire')} ({referral.partner.name[:100]}) : {action}"[:300],
    )


def _no_referrer(response: HttpResponse) -> HttpResponse:
    # The token is in the page's URL: no request made from the page (its styles, the
    # answer it posts, a link followed) may carry it in a Referer header.
    response["Referrer-Policy"] = "no-referrer"
    return response


# No CSRF check: under "no-referrer" browsers post with "Origin: null", which the check
# refuses. It would add nothing here: the request needs the secret, single-use token
# in the URL, which a forging site does not have, and the page uses no session.
# Public (tests/isolation/test_harness.py PUBLIC_VIEWS): the partner has no account.
@login_not_required
@csrf_exempt
@never_cache
def referral_link(request: HttpRequest, uuid: UUID, token: str) -> HttpResponse:
    with scopes_disabled():
        try:
            link = referrals.open_link(uuid, token)
        except referrals.LinkRefused as exc:
            if exc.link is not None:
                with scope(slsp=exc.link.slsp_id):
                    referrals.log_link_use(exc.link, ReferralLinkUse.Action.REFUSED, exc.reason)
            response = render(
                request,
                "referrals/link_refused.html",
                {"reason": exc.reason},
                status=410 if exc.link is not None else 404,
            )
            return _no_referrer(response)
    with scope(slsp=link.slsp_id):
        referral = link.referral
        form = PartnerAnswerForm(request.POST if request.method == "POST" else None)
        error = ""
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    referral = referrals.act_on_link(
                        link,
                        data["action"],
                        note=data["note"],
                        outcome=data["outcome"],
                        outcome_note=data["outcome_note"],
                        base_url=_base_url(request),
                    )
                except ValidationError as exc:
                    error = error_text(exc)
                else:
                    _log_access(request, link, referral, data["action"])
                    context = {"referral": referral, "action": data["action"]}
                    return _no_referrer(render(request, "referrals/link_done.html", context))
            else:
                error = error_text(form)
        referrals.log_link_use(link, ReferralLinkUse.Action.VIEW)
        _log_access(request, link, referral, "view")
        referral = (
            type(referral)
            .objects.select_related("household", "follow_up", "partner", "slsp", "agreement")
            .get(pk=referral.pk)
        )
        context = {
            "referral": referral,
            "link": link,
            "form": form,
            "error": error,
            "shared": shared_view(referral),
            "answer": link.purpose == LinkPurpose.ANSWER,
            "can_start": link.purpose == LinkPurpose.OUTCOME
            and referral.status == ReferralStatus.ACCEPTED,
            "can_close": link.purpose == LinkPurpose.OUTCOME
            and referral.status == ReferralStatus.IN_PROGRESS,
        }
        return _no_referrer(
            render(
                request,
                "referrals/link.html",
                context,
                status=400 if error else 200,
            )
        )

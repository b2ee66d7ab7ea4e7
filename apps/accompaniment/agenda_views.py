"""Pages of the agenda: the week view, planning an appointment and marking it done, the
next step of a follow-up, the personal calendar feed (its page and the public feed)."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_scopes import scope

from apps.accompaniment import agenda, ics
from apps.accompaniment.agenda_forms import AppointmentForm, NextStepForm
from apps.accompaniment.queries import follow_ups_for, follow_ups_of, moments_for
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import AccessLog
from apps.core.confirm import Confirmation, ConfirmForm, confirmation_page
from apps.core.forms import error_text, posted
from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.tenants.models import Household
from apps.tenants.queries import households_for

# The feed covers a month back (what was missed) and a year ahead.
FEED_PAST_DAYS = 31
FEED_FUTURE_DAYS = 366


def _household(request: AuthenticatedHttpRequest, uuid: UUID) -> Household:
    household = get_visible_or_404(households_for(request.user), uuid=uuid)
    require(request.user, "accompaniment.act_for", household)
    return household


@permission_required("accompaniment.view_agenda")
def week_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        asked = parse_date(request.GET.get("semaine", ""))
    except ValueError:  # well-formed but impossible, like 2026-13-45
        asked = None
    # A malformed or absurd date shows the current week rather than an error page.
    if asked is None or not (1900 <= asked.year <= 2200):
        asked = today
    monday = agenda.week_start(asked)
    days = agenda.week(request.user, monday)
    return render(
        request,
        "accompaniment/agenda/week.html",
        {
            "days": days,
            "today": today,
            "monday": monday,
            "sunday": days[-1].date,
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "this_week": agenda.week_start(today),
            "total": sum(len(d.appointments) for d in days),
            "can_act": agenda.may_act(request.user),
        },
    )


def appointment_form(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    """Plan an appointment for a household; a refused form comes back with what was typed."""
    household = _household(request, uuid)
    follow_ups = list(follow_ups_of(household))
    form = AppointmentForm(posted(request), follow_ups=follow_ups)
    if request.method == "POST" and form.is_valid():
        try:
            agenda.plan_appointment(household, request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("date", exc)
        else:
            messages.success(request, _("Rendez-vous planifié."))
            return redirect("tenants:household", uuid=household.uuid)
    return render(
        request,
        "accompaniment/form_page.html",
        {
            "household": household,
            "form": form,
            "action": "accompaniment:appointment_form",
            "action_uuid": household.uuid,
            "title": _("Planifier un rendez-vous"),
            "submit": _("Planifier"),
        },
    )


@require_POST
def appointment_done(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    moment = get_visible_or_404(
        moments_for(request.user).filter(planned=True).select_related("household"), uuid=uuid
    )
    require(request.user, "accompaniment.act_for", moment)
    try:
        agenda.mark_done(moment)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Rendez-vous noté comme fait."))
    if request.POST.get("retour") == "accueil":
        return redirect("core:home")
    if request.POST.get("retour") == "semaine":
        return redirect(
            f"{reverse('accompaniment:agenda')}?semaine={agenda.week_start(moment.date):%Y-%m-%d}"
        )
    return redirect("tenants:household", uuid=moment.household.uuid)


def appointment_cancel(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    moment = get_visible_or_404(
        moments_for(request.user).filter(planned=True).select_related("household"), uuid=uuid
    )
    require(request.user, "accompaniment.act_for", moment)
    household = moment.household
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            agenda.cancel_appointment(moment)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Rendez-vous annulé."))
        return redirect("tenants:household", uuid=household.uuid)
    return confirmation_page(
        request,
        Confirmation(
            title=gettext_lazy("Annuler le rendez-vous"),
            question=_("Annuler le rendez-vous du %(day)s avec le ménage %(reference)s ?")
            % {"day": f"{moment.date:%d/%m/%Y}", "reference": household.reference},
            consequences=[
                gettext_lazy("Le rendez-vous disparaît de l'agenda et des listes de travail."),
                gettext_lazy("Il ne comptait dans aucun chiffre : aucun chiffre ne change."),
            ],
            cancel_url=reverse("tenants:household", kwargs={"uuid": household.uuid}),
            confirm_label=gettext_lazy("Annuler le rendez-vous"),
        ),
        form,
    )


def next_step(request: AuthenticatedHttpRequest, uuid: UUID) -> HttpResponse:
    follow_up = get_visible_or_404(
        follow_ups_for(request.user).select_related("household"), uuid=uuid
    )
    require(request.user, "accompaniment.act_for", follow_up)
    form = NextStepForm(
        posted(request),
        initial={"next_step": follow_up.next_step, "next_step_due": follow_up.next_step_due},
    )
    if request.method == "POST" and form.is_valid():
        try:
            agenda.set_next_step(
                follow_up,
                text=form.cleaned_data["next_step"],
                due=form.cleaned_data["next_step_due"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Prochaine étape enregistrée."))
            return redirect("tenants:household", uuid=follow_up.household.uuid)
    return render(
        request,
        "accompaniment/agenda/next_step.html",
        {"follow_up": follow_up, "household": follow_up.household, "form": form},
    )


@permission_required("accompaniment.view_agenda")
def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The personal feed: create or regenerate its secret URL (shown once), or revoke it."""
    token = None
    if request.method == "POST":
        token = agenda.issue_feed(request.user)
        messages.success(
            request,
            _("Nouvelle adresse créée : l'ancienne ne fonctionne plus. Copiez-la maintenant."),
        )
    feed = agenda.feed_state(request.user)
    url = (
        request.build_absolute_uri(reverse("accompaniment:calendar_feed", args=[token]))
        if token
        else ""
    )
    return render(
        request,
        "accompaniment/agenda/calendar.html",
        {"feed": feed, "url": url},
    )


@permission_required("accompaniment.view_agenda")
def calendar_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        agenda.revoke_feed(request.user)
        messages.success(request, _("Adresse du calendrier révoquée."))
        return redirect("accompaniment:calendar")
    return confirmation_page(
        request,
        Confirmation(
            title=gettext_lazy("Révoquer l'adresse du calendrier"),
            question=gettext_lazy("Révoquer l'adresse secrète de votre calendrier ?"),
            consequences=[
                gettext_lazy(
                    "Les agendas abonnés à cette adresse ne recevront plus vos rendez-vous."
                ),
                gettext_lazy("Vous pourrez créer une nouvelle adresse à tout moment."),
            ],
            cancel_url=reverse("accompaniment:calendar"),
            confirm_label=gettext_lazy("Révoquer"),
        ),
        form,
    )


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The public feed of one person's appointments (iCalendar): the secret token is the
    only key; a revoked or unknown one answers 404. Households by reference only."""
    user = agenda.feed_owner(token)
    if user is None:
        raise Http404
    today = timezone.localdate()
    with scope(slsp=list(user.slsp_ids())):
        appointments = list(
            agenda.own_appointments(user)
            .filter(
                date__gte=today - datetime.timedelta(days=FEED_PAST_DAYS),
                date__lte=today + datetime.timedelta(days=FEED_FUTURE_DAYS),
            )
            .select_related("household")
            .only(
                "uuid",
                "date",
                "time",
                "duration_minutes",
                "kind",
                "slsp_id",
                "household_id",
                "household__uuid",
                "household__reference",
                "household__slsp_id",
            )
            .order_by("date", "time", "pk")
        )
    _log_feed_read(request, user, appointments)
    body = ics.calendar(appointments, host=request.get_host().split(":")[0] or "slsp-referent")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rendez-vous.ics"'
    return response


def _log_feed_read(request: HttpRequest, user, appointments) -> None:
    """One access-log row per household the feed names, in one insert (as log_access
    would write them one by one): a calendar client polls the feed every hour."""
    match = getattr(request, "resolver_match", None)
    seen: set[int] = set()
    rows = []
    for moment in appointments:
        if moment.household_id in seen:
            continue
        seen.add(moment.household_id)
        rows.append(
            AccessLog(
                subject_household=moment.household_id,
                user=user,
                slsp_id=moment.slsp_id,
                object_type="tenants.household",
                object_id=str(moment.household.uuid),
                view_name=match.view_name if match else "",
                path=reverse("accompaniment:calendar_feed", args=["-"])[:500],
            )
        )
    if rows:
        AccessLog.objects.bulk_create(rows)


def household_agenda(request: AuthenticatedHttpRequest, household: Household) -> dict | None:
    """The household page's agenda: its appointments to come or overdue, the next step of
    each open follow-up, and the way to plan one more."""
    user = request.user
    if not allowed(user, "accompaniment.act_for", household) and not allowed(
        user, "accompaniment.view_follow_ups"
    ):
        return None
    appointments = list(
        moments_for(user)
        .filter(planned=True, household=household)
        .select_related("author")
        .only("uuid", "date", "time", "kind", "note", "author__first_name", "author__last_name")
        .order_by("date", "time", "pk")
    )
    steps = list(
        household.follow_ups.filter(closed_on__isnull=True).only(
            "uuid", "objective", "next_step", "next_step_due", "slsp_id", "household_id"
        )
    )
    return {
        "household": household,
        "appointments": appointments,
        "follow_ups": steps,
        "today": timezone.localdate(),
        "can_act": allowed(user, "accompaniment.act_for", household),
    }

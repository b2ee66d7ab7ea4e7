"""Writes of individual accompaniment; every rule of libre adhésion lives here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accompaniment.hooks import run_consent_withdrawn
from apps.accompaniment.models import (
    Consent,
    Domain,
    FollowUp,
    Moment,
    Objective,
    ObjectiveStatus,
    Outcome,
)
from apps.core.validators import moment_date_error

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.partners.models import Partner
    from apps.tenants.models import Household

# Sent after a withdrawal commits: referrals (and anything sharing data) stop there.


@transaction.atomic
def record_consent(
    household: Household,
    user: User,
    *,
    given_on: datetime.date,
    covers_follow_up: bool,
    share_with: Iterable[Partner] = (),
    expires_on: datetime.date | None = None,
    note: str = "",
) -> Consent:
    if given_on > timezone.localdate():
        raise ValidationError(_("La date du consentement ne peut pas être dans le futur."))
    if expires_on and expires_on < given_on:
        raise ValidationError(_("L'échéance précède la date du consentement."))
    consent = Consent.objects.create(
        slsp_id=household.slsp_id,
        household=household,
        given_on=given_on,
        recorded_by=user,
        covers_follow_up=covers_follow_up,
        expires_on=expires_on,
        note=note,
    )
    consent.share_with.set(share_with)
    return consent


def active_follow_up_consent(
    household: Household, day: datetime.date | None = None
) -> Consent | None:
    day = day or timezone.localdate()
    return (
        Consent.objects.filter(household=household, covers_follow_up=True)
        .active_on(day)
        .order_by("-given_on", "-pk")
        .first()
    )


CONTEXT_FIELDS = (
    "arrears_amount",
    "arrears_stage",
    "arrears_plan_followed",
    "relocation_works",
    "relocation_kind",
    "relocation_start",
    "relocation_end",
)


def _check_context(domains: list[str], context: dict[str, Any]) -> dict[str, Any]:
    """Arrears and relocation details only make sense with their domain; dates in order."""
    if Domain.IMPAYES not in domains:
        for name in ("arrears_amount", "arrears_stage", "arrears_plan_followed"):
            context[name] = None if name != "arrears_stage" else ""
    if Domain.RELOGEMENT not in domains:
        for name in ("relocation_works", "relocation_start", "relocation_end"):
            context[name] = None
        context["relocation_kind"] = ""
    start, end = context.get("relocation_start"), context.get("relocation_end")
    if start and end and end < start:
        raise ValidationError(_("La fin du relogement précède son début."))
    return context


@transaction.atomic
def open_follow_up(
    household: Household,
    user: User,
    *,
    domains: list[str],
    objective: str,
    opened_on: datetime.date | None = None,
    more_objectives: Iterable[str] = (),
    **context: Any,
) -> FollowUp:
    """No follow-up without the tenant's recorded, current consent."""
    unknown = set(context) - set(CONTEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown follow-up fields: {sorted(unknown)}")
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        raise ValidationError(_("Un suivi ne peut pas s'ouvrir dans le futur."))
    consent = active_follow_up_consent(household, opened_on)
    if consent is None:
        raise ValidationError(
            _("Aucun consentement valable du ménage à un suivi : enregistrez d'abord son accord.")
        )
    if not domains:
        raise ValidationError(_("Choisissez au moins un domaine."))
    works = context.get("relocation_works")
    if works is not None and works.slsp_id != household.slsp_id:
        raise ValidationError(_("Ce chantier appartient à une autre SLSP."))
    context = _check_context(domains, {name: context.get(name) for name in CONTEXT_FIELDS})
    context["arrears_stage"] = context["arrears_stage"] or ""
    context["relocation_kind"] = context["relocation_kind"] or ""
    follow_up = FollowUp.objects.create(
        slsp_id=household.slsp_id,
        household=household,
        consent=consent,
        domains=list(domains),
        objective=objective,
        opened_on=opened_on,
        opened_by=user,
        **context,
    )
    texts = [objective, *(t.strip() for t in more_objectives if t.strip())]
    Objective.objects.bulk_create(
        Objective(slsp_id=household.slsp_id, follow_up=follow_up, text=text) for text in texts
    )
    return follow_up


@transaction.atomic
def set_objective_status(objective: Objective, status: str) -> Objective:
    if status not in ObjectiveStatus.values:
        raise ValidationError(_("Statut inconnu."))
    objective.status = status
    objective.save(update_fields=["status", "updated_on"])
    return objective


@transaction.atomic
def close_follow_up(
    follow_up: FollowUp, *, outcome: str, closed_on: datetime.date | None = None
) -> FollowUp:
    closed_on = closed_on or timezone.localdate()
    if not follow_up.is_open:
        raise ValidationError(_("Ce suivi est déjà clôturé."))
    if closed_on < follow_up.opened_on:
        raise ValidationError(_("La clôture précède l'ouverture du suivi."))
    follow_up.closed_on = closed_on
    follow_up.outcome = outcome
    follow_up.save(update_fields=["closed_on", "outcome"])
    return follow_up


@transaction.atomic
def withdraw_consent(
    consent: Consent, *, on: datetime.date | None = None, user: User | None = None
) -> Consent:
    """Withdrawal closes the follow-ups resting on it and stops all sharing."""
    on = on or timezone.localdate()
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Ce consentement a déjà été retiré."))
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    for follow_up in FollowUp.objects.filter(consent=consent, closed_on__isnull=True):
        follow_up.closed_on = max(on, follow_up.opened_on)
        follow_up.outcome = Outcome.CONSENT_WITHDRAWN
        follow_up.save(update_fields=["closed_on", "outcome"])
    # The apps above react in this same transaction (referrals stop sharing), so a
    # failure there withdraws nothing.
    run_consent_withdrawn(consent, user=user, on=on)
    return consent


@transaction.atomic
def log_moment(
    household: Household,
    user: User,
    *,
    kind: str,
    date: datetime.date,
    duration_minutes: int,
    follow_up: FollowUp | None = None,
    partners: Iterable[Partner] = (),
    note: str = "",
    participants: str = "",
    sensitivity: str = "",
    sensitive_note: str = "",
) -> Moment:
    if date > timezone.localdate():
        raise ValidationError(_("Un moment ne peut pas être daté dans le futur."))
    first_tenancy = household.tenancies.aggregate(first=Min("start_date"))["first"]
    refused = moment_date_error(date, first_tenancy=first_tenancy)
    if refused:
        raise ValidationError(refused)
    if follow_up is not None and follow_up.household_id != household.pk:
        raise ValidationError(_("Ce suivi concerne un autre ménage."))
    if follow_up is not None and not follow_up.is_open:
        raise ValidationError(_("Ce suivi est clôturé."))
    if bool(sensitivity) != bool(sensitive_note.strip()):
        raise ValidationError(
            _("Une note sensible demande à la fois sa nature (santé, violences) et son contenu.")
        )
    moment = Moment.objects.create(
        slsp_id=household.slsp_id,
        household=household,
        follow_up=follow_up,
        kind=kind,
        date=date,
        duration_minutes=duration_minutes,
        author=user,
        note=note,
        participants=participants,
        sensitivity=sensitivity,
        sensitive_note=sensitive_note.strip(),
    )
    moment.partners.set(partners)
    return moment


def rebuild_moment_months() -> None:
    """Recount MomentMonth from the moments. The triggers keep it exact; this is for
    writes that bypass triggers (the scale seed's COPY under session_replication_role
    = replica)."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE accompaniment_moment IN SHARE MODE")
        cursor.execute("DELETE FROM accompaniment_momentmonth")
        cursor.execute(
            "INSERT INTO accompaniment_momentmonth (slsp_id, month, count) "
            "SELECT slsp_id, date_trunc('month', date::timestamp)::date, count(*) "
            "FROM accompaniment_moment GROUP BY 1, 2"
        )

"""Writes of individual accompaniment; every rule of libre adhésion lives here."""

from __future__ import annotations

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accompaniment.models import Consent, FollowUp, Moment, Outcome

# Sent after a withdrawal commits: referrals (and anything sharing data) stop there.
consent_withdrawn = django.dispatch.Signal()


@transaction.atomic
def record_consent(
    household, user, *, given_on, covers_follow_up, share_with=(), expires_on=None, note=""
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


def active_follow_up_consent(household, day=None):
    day = day or timezone.localdate()
    return (
        Consent.objects.filter(household=household, covers_follow_up=True)
        .active_on(day)
        .order_by("-given_on", "-pk")
        .first()
    )


@transaction.atomic
def open_follow_up(
    household, user, *, domains, objective, opened_on=None, arrears_amount=None
) -> FollowUp:
    """No follow-up without the tenant's recorded, current consent."""
    opened_on = opened_on or timezone.localdate()
    consent = active_follow_up_consent(household, opened_on)
    if consent is None:
        raise ValidationError(
            _("Aucun consentement valable du ménage à un suivi : enregistrez d'abord son accord.")
        )
    if not domains:
        raise ValidationError(_("Choisissez au moins un domaine."))
    return FollowUp.objects.create(
        slsp_id=household.slsp_id,
        household=household,
        consent=consent,
        domains=list(domains),
        objective=objective,
        opened_on=opened_on,
        opened_by=user,
        arrears_amount=arrears_amount,
    )


@transaction.atomic
def close_follow_up(follow_up, *, outcome, closed_on=None) -> FollowUp:
    closed_on = closed_on or timezone.localdate()
    if closed_on < follow_up.opened_on:
        raise ValidationError(_("La clôture précède l'ouverture du suivi."))
    follow_up.closed_on = closed_on
    follow_up.outcome = outcome
    follow_up.save(update_fields=["closed_on", "outcome"])
    return follow_up


@transaction.atomic
def withdraw_consent(consent, *, on=None) -> Consent:
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
    transaction.on_commit(lambda: consent_withdrawn.send(sender=Consent, consent=consent))
    return consent


@transaction.atomic
def log_moment(
    household, user, *, kind, date, duration_minutes, follow_up=None, partners=(), note=""
) -> Moment:
    if date > timezone.localdate():
        raise ValidationError(_("Un moment ne peut pas être daté dans le futur."))
    if follow_up is not None and follow_up.household_id != household.pk:
        raise ValidationError(_("Ce suivi concerne un autre ménage."))
    moment = Moment.objects.create(
        slsp_id=household.slsp_id,
        household=household,
        follow_up=follow_up,
        kind=kind,
        date=date,
        duration_minutes=duration_minutes,
        author=user,
        note=note,
    )
    moment.partners.set(partners)
    return moment

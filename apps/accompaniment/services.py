"""Writes of individual accompaniment; every rule of libre adhésion lives here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accompaniment.hooks import run_consent_withdrawn, withdrawal_effects
from apps.accompaniment.models import (
    FINAL_OBJECTIVE_STATUSES,
    Consent,
    ConsentWithdrawal,
    Domain,
    FollowUp,
    FollowUpReopening,
    Moment,
    MomentKind,
    MomentRevision,
    Objective,
    ObjectiveStatus,
    Outcome,
    RevisionAction,
    WithdrawalPurpose,
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


def _finish_objectives(
    follow_up: FollowUp, statuses: Mapping[int, str] | None, default: str
) -> None:
    """Give every objective still open a final status: the one chosen, else `default`."""
    statuses = statuses or {}
    for objective in Objective.objects.filter(follow_up=follow_up).exclude(
        status__in=FINAL_OBJECTIVE_STATUSES
    ):
        status = statuses.get(objective.pk, default)
        if status not in FINAL_OBJECTIVE_STATUSES:
            raise ValidationError(_("Choisissez le statut final de chaque objectif."))
        objective.status = status
        objective.save(update_fields=["status", "updated_on"])


@transaction.atomic
def close_follow_up(
    follow_up: FollowUp,
    *,
    outcome: str,
    closed_on: datetime.date | None = None,
    note: str = "",
    objective_statuses: Mapping[int, str] | None = None,
) -> FollowUp:
    """Close with an outcome and a note; objectives left open end as chosen (or dropped)."""
    closed_on = closed_on or timezone.localdate()
    # Locked and re-read: the caller's instance then holds what is stored.
    FollowUp.objects.select_for_update().filter(pk=follow_up.pk).exists()
    follow_up.refresh_from_db(fields=["closed_on", "outcome", "closing_note"])
    if not follow_up.is_open:
        raise ValidationError(_("Ce suivi est déjà clôturé."))
    if outcome not in Outcome.values:
        raise ValidationError(_("Choisissez l'issue du suivi."))
    if closed_on < follow_up.opened_on:
        raise ValidationError(_("La clôture précède l'ouverture du suivi."))
    if closed_on > timezone.localdate():
        raise ValidationError(_("Un suivi ne peut pas être clôturé dans le futur."))
    follow_up.closed_on = closed_on
    follow_up.outcome = outcome
    follow_up.closing_note = note.strip()
    follow_up.save(update_fields=["closed_on", "outcome", "closing_note"])
    _finish_objectives(follow_up, objective_statuses, ObjectiveStatus.DROPPED)
    return follow_up


def open_objectives(follow_up: FollowUp) -> list[Objective]:
    """The objectives that will need a final status when `follow_up` closes."""
    return list(
        Objective.objects.filter(follow_up=follow_up)
        .exclude(status__in=FINAL_OBJECTIVE_STATUSES)
        .order_by("pk")
    )


@transaction.atomic
def reopen_follow_up(follow_up: FollowUp, user: User, *, reason: str) -> FollowUp:
    """Undo a closing (recorded with its reason); only while the consent still covers it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez pourquoi le suivi est rouvert."))
    FollowUp.objects.select_for_update().filter(pk=follow_up.pk).exists()
    follow_up.refresh_from_db(fields=["closed_on", "outcome", "closing_note"])
    if follow_up.closed_on is None:
        raise ValidationError(_("Ce suivi est déjà ouvert."))
    consent = Consent.objects.get(pk=follow_up.consent_id)
    today = timezone.localdate()
    if (
        not consent.covers_follow_up
        or (consent.withdrawn_on is not None and consent.withdrawn_on <= today)
        or (consent.expires_on is not None and consent.expires_on < today)
    ):
        raise ValidationError(
            _(
                "Le consentement de ce suivi n'est plus valable (retiré ou échu) : "
                "enregistrez un nouvel accord et ouvrez un nouveau suivi."
            )
        )
    FollowUpReopening.objects.create(
        slsp_id=follow_up.slsp_id,
        follow_up=follow_up,
        previous_closed_on=follow_up.closed_on,
        previous_outcome=follow_up.outcome,
        previous_note=follow_up.closing_note,
        reason=reason,
        reopened_by=user,
    )
    follow_up.closed_on = None
    follow_up.outcome = ""
    follow_up.closing_note = ""
    follow_up.save(update_fields=["closed_on", "outcome", "closing_note"])
    return follow_up


# --- Consent withdrawal ---


@dataclass
class WithdrawalPlan:
    """What a withdrawal will do, computed before it is done: the confirmation page shows
    exactly this, and withdraw_consent() carries out exactly this."""

    consent: Consent
    on: datetime.date
    follow_up: bool
    partners: list[Partner]
    follow_ups_to_close: list[FollowUp]
    consent_ends: bool
    # Sentences from the apps above (referrals to stop), via hooks.withdrawal_effects.
    elsewhere: list[str] = field(default_factory=list)

    def consequences(self) -> list[str]:
        lines: list[str] = []
        if self.follow_up:
            lines.append(_("Le ménage ne consent plus à un suivi."))
        for partner in self.partners:
            lines.append(
                _("Plus aucun partage de données avec %(partner)s.") % {"partner": partner.name}
            )
        for follow_up in self.follow_ups_to_close:
            lines.append(
                _(
                    "Le suivi « %(objective)s » sera clôturé (issue : consentement retiré), "
                    "ses objectifs encore ouverts notés « Abandonné »."
                )
                % {"objective": follow_up.objective}
            )
        lines.extend(self.elsewhere)
        if self.consent_ends:
            lines.append(_("Ce consentement ne couvrira plus rien : il sera entièrement retiré."))
        else:
            lines.append(_("Le reste de ce consentement reste en vigueur."))
        return lines


def plan_withdrawal(
    consent: Consent,
    *,
    on: datetime.date,
    follow_up: bool,
    partners: Iterable[Partner],
) -> WithdrawalPlan:
    """Check a withdrawal and compute its effects, writing nothing."""
    partners = list(partners)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Ce consentement a déjà été retiré."))
    if on > timezone.localdate():
        raise ValidationError(_("La date du retrait ne peut pas être dans le futur."))
    if on < consent.given_on:
        raise ValidationError(_("La date du retrait précède la date du consentement."))
    if not follow_up and not partners:
        raise ValidationError(
            _("Choisissez ce que le ménage retire : le suivi et/ou un ou plusieurs partages.")
        )
    if follow_up and not consent.covers_follow_up:
        raise ValidationError(_("Ce consentement ne couvre pas de suivi."))
    shared = set(consent.share_with.values_list("pk", flat=True))
    if any(p.pk not in shared for p in partners):
        raise ValidationError(_("Ce consentement ne couvre pas le partage avec ce partenaire."))
    remaining_partners = shared - {p.pk for p in partners}
    consent_ends = not remaining_partners and (follow_up or not consent.covers_follow_up)
    closing = (
        list(FollowUp.objects.filter(consent=consent, closed_on__isnull=True).order_by("pk"))
        if follow_up or consent_ends
        else []
    )
    plan = WithdrawalPlan(
        consent=consent,
        on=on,
        follow_up=follow_up,
        partners=partners,
        follow_ups_to_close=closing,
        consent_ends=consent_ends,
    )
    plan.elsewhere = withdrawal_effects(
        consent,
        on=on,
        partner_ids={p.pk for p in partners},
        consent_ends=consent_ends,
        closing_follow_up_ids={f.pk for f in closing},
    )
    return plan


@transaction.atomic
def withdraw_consent(
    consent: Consent,
    *,
    on: datetime.date | None = None,
    user: User | None = None,
    follow_up: bool | None = None,
    partners: Iterable[Partner] | None = None,
    reason: str = "",
) -> WithdrawalPlan:
    """Withdraw all or part of a consent: the follow-up and/or sharing with some partners.

    Without `follow_up` and `partners`, everything the consent covers is withdrawn.
    Follow-ups resting on a withdrawn follow-up consent close; the apps above react in this
    same transaction (referrals stop sharing and tell the partner), so a failure there
    withdraws nothing.
    """
    on = on or timezone.localdate()
    consent = Consent.objects.select_for_update().select_related("household").get(pk=consent.pk)
    if follow_up is None and partners is None:
        follow_up = consent.covers_follow_up
        partners = list(consent.share_with.all())
    plan = plan_withdrawal(consent, on=on, follow_up=bool(follow_up), partners=partners or ())
    if user is None:
        user = consent.recorded_by
    rows = []
    if plan.follow_up:
        rows.append(ConsentWithdrawal(purpose=WithdrawalPurpose.FOLLOW_UP))
    rows.extend(
        ConsentWithdrawal(purpose=WithdrawalPurpose.SHARING, partner=p) for p in plan.partners
    )
    for row in rows:
        row.slsp_id = consent.slsp_id
        row.consent = consent
        row.withdrawn_on = on
        row.reason = reason.strip()
        row.recorded_by = user
    ConsentWithdrawal.objects.bulk_create(rows)
    # The consent's live fields say what it still covers: every check reads them.
    consent.share_with.remove(*plan.partners)
    fields = []
    if plan.follow_up:
        consent.covers_follow_up = False
        fields.append("covers_follow_up")
    if plan.consent_ends:
        consent.withdrawn_on = on
        fields.append("withdrawn_on")
    if fields:
        consent.save(update_fields=fields)
    for item in plan.follow_ups_to_close:
        item.closed_on = max(on, item.opened_on)
        item.outcome = Outcome.CONSENT_WITHDRAWN
        item.closing_note = reason.strip()
        item.save(update_fields=["closed_on", "outcome", "closing_note"])
        _finish_objectives(item, None, ObjectiveStatus.DROPPED)
    run_consent_withdrawn(consent, user=user, on=on)
    return plan


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


# The fields people may correct on a moment. The sensitive note is not among them: its
# text never enters a correction form nor the history (apps.accompaniment.sensitive).
CORRECTABLE_FIELDS = (
    "kind",
    "date",
    "duration_minutes",
    "follow_up",
    "note",
    "participants",
    "partners",
)


def moment_snapshot(moment: Moment) -> dict[str, Any]:
    """The moment's correctable values as stored codes (JSON-ready), plus the nature of a
    sensitive note, never its text."""
    return {
        "kind": moment.kind,
        "date": moment.date.isoformat(),
        "duration_minutes": moment.duration_minutes,
        "follow_up": moment.follow_up.objective if moment.follow_up is not None else "",
        "note": moment.note,
        "participants": moment.participants,
        "partners": sorted(p.name for p in moment.partners.all()),
        "sensitivity": moment.sensitivity,
    }


def _lock_moment(moment: Moment) -> Moment:
    return (
        Moment.objects.select_for_update(of=("self",))
        .select_related("follow_up")
        .defer("sensitive_note")
        .get(pk=moment.pk)
    )


@transaction.atomic
def correct_moment(
    moment: Moment,
    user: User,
    *,
    reason: str,
    kind: str,
    date: datetime.date,
    duration_minutes: int,
    follow_up: FollowUp | None = None,
    partners: Iterable[Partner] = (),
    note: str = "",
    participants: str = "",
) -> MomentRevision:
    """Correct a moment; the values before and after are kept with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez la raison de la correction."))
    moment = _lock_moment(moment)
    if kind not in MomentKind.values:
        raise ValidationError(_("Type de moment inconnu."))
    if date > timezone.localdate():
        raise ValidationError(_("Un moment ne peut pas être daté dans le futur."))
    if follow_up is not None:
        if follow_up.household_id != moment.household_id:
            raise ValidationError(_("Ce suivi concerne un autre ménage."))
        if not follow_up.is_open and follow_up.pk != moment.follow_up_id:
            raise ValidationError(_("Ce suivi est clôturé."))
    before = moment_snapshot(moment)
    moment.kind = kind
    moment.date = date
    moment.duration_minutes = duration_minutes
    moment.follow_up = follow_up
    moment.note = note
    moment.participants = participants
    moment.save(
        update_fields=["kind", "date", "duration_minutes", "follow_up", "note", "participants"]
    )
    moment.partners.set(partners)
    after = moment_snapshot(moment)
    if after == before:
        raise ValidationError(_("Rien n'a changé : modifiez au moins un champ."))
    return MomentRevision.objects.create(
        slsp_id=moment.slsp_id,
        household_id=moment.household_id,
        moment=moment,
        moment_uuid=moment.uuid,
        action=RevisionAction.CORRECTED,
        before=before,
        after=after,
        reason=reason,
        by=user,
    )


@transaction.atomic
def delete_moment(moment: Moment, user: User, *, reason: str) -> MomentRevision:
    """Delete a moment logged by mistake; what it said (not a sensitive note's text) and
    why it was deleted stay in the household's history."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez la raison de la suppression."))
    moment = _lock_moment(moment)
    revision = MomentRevision.objects.create(
        slsp_id=moment.slsp_id,
        household_id=moment.household_id,
        moment=moment,
        moment_uuid=moment.uuid,
        action=RevisionAction.DELETED,
        before=moment_snapshot(moment),
        after={},
        reason=reason,
        by=user,
    )
    moment.delete()
    return revision


def erase_correction_texts(household: Household) -> int:
    """Free texts of the corrections and withdrawals of a household, for its erasure after
    the retention period (apps.privacy): closing notes, reasons, and the texts a moment
    held before and after a correction. Codes, dates and counts stay."""
    texts = ("note", "participants", "follow_up", "partners")
    count = FollowUp.objects.filter(household=household).update(closing_note="")
    for revision in MomentRevision.objects.filter(household=household):
        for values in (revision.before, revision.after):
            for name in texts:
                if name in values:
                    values[name] = [] if name == "partners" else ""
        revision.reason = ""
        revision.save(update_fields=["before", "after", "reason"])
        count += 1
    count += ConsentWithdrawal.objects.filter(consent__household=household).update(reason="")
    count += FollowUpReopening.objects.filter(follow_up__household=household).update(
        reason="", previous_note=""
    )
    return count


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
            "FROM accompaniment_moment WHERE NOT planned GROUP BY 1, 2"
        )

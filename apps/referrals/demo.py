"""Demo referrals: for every demo SLSP, referrals from its open and closed follow-ups to
the partners its agreements let it share data with, in every status, with believable
dates (some answers later than agreed) and their status history."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from apps.accompaniment.models import FollowUp
from apps.partners.models import Agreement
from apps.referrals import services as referrals_service
from apps.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
    SharedData,
)

REASONS = {
    "cpas": [
        "Arriéré de loyer de trois mois : demande de guidance budgétaire et d'un plan "
        "d'apurement avec le CPAS.",
        "Factures d'énergie impayées : examen d'une aide sociale ponctuelle.",
        "Revenus en baisse depuis la perte d'emploi : ouverture d'un droit au RIS à vérifier.",
    ],
    "sante_mentale": [
        "Isolement et repli depuis plusieurs mois, le locataire souhaite rencontrer un "
        "psychologue.",
        "Troubles du voisinage liés à une souffrance psychique : demande d'un premier rendez-vous.",
    ],
    "other": [
        "Entrée récente dans le logement après un séjour en institution : relais pour "
        "l'installation.",
        "Besoin d'un accompagnement pour les démarches administratives après le déménagement.",
    ],
}
# Status of the n-th referral of an SLSP: every status appears, most are done.
PLAN = [
    ReferralStatus.CLOSED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.SENT,
    ReferralStatus.CLOSED,
    ReferralStatus.REFUSED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.PROPOSED,
    ReferralStatus.CLOSED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.SENT,
    ReferralStatus.CLOSED,
    ReferralStatus.REFUSED,
]
OUTCOMES = [
    ReferralOutcome.REACHED,
    ReferralOutcome.PARTIAL,
    ReferralOutcome.REACHED,
    ReferralOutcome.NO_SHOW,
    ReferralOutcome.REDIRECTED,
]
ORDER = [
    ReferralStatus.PROPOSED,
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.CLOSED,
]


def _path(status):
    if status == ReferralStatus.REFUSED:
        return [ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.REFUSED]
    return ORDER[: ORDER.index(status) + 1]


def seed(ctx) -> None:
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    for slsp in ctx.slsps:
        if Referral.objects.filter(slsp=slsp).exists():
            continue
        agreements = list(
            Agreement.objects.filter(slsp=slsp, shares_data=True)
            .active_on(today)
            .select_related("partner")
            .order_by("pk")
        )
        if not agreements:
            continue
        # A link goes only to the SLSP's own agreement contacts (as in referrals.py).
        recipients = {
            a.pk: referrals_service.default_recipient(
                Referral(slsp_id=slsp.pk, agreement=a, partner=a.partner)
            )
            for a in agreements
        }
        follow_ups = list(
            FollowUp.objects.filter(slsp=slsp)
            .select_related("consent")
            .order_by(F("closed_on").asc(nulls_first=True), "-opened_on", "pk")[: len(PLAN)]
        )
        referrals, steps = [], []
        for n, follow_up in enumerate(follow_ups):
            agreement = agreements[n % len(agreements)]
            partner = agreement.partner
            # The household consented to share with this partner.
            follow_up.consent.share_with.add(partner)
            status = PLAN[n]
            if follow_up.closed_on is not None and status not in (
                ReferralStatus.CLOSED,
                ReferralStatus.REFUSED,
            ):
                status = ReferralStatus.CLOSED
            end = follow_up.closed_on or today
            span = max((end - follow_up.opened_on).days - 150, 1)
            start = datetime.datetime.combine(
                follow_up.opened_on + datetime.timedelta(days=rng.randrange(span)),
                datetime.time(9 + rng.randrange(8), rng.randrange(60)),
                tzinfo=timezone.get_current_timezone(),
            )
            agreed = agreement.response_days or 10
            # Most answers within the agreed time, about one in four later.
            answer = (
                rng.randrange(1, agreed) if rng.random() < 0.75 else agreed + rng.randrange(1, 12)
            )
            moments = {
                ReferralStatus.PROPOSED: start,
                ReferralStatus.SENT: start + datetime.timedelta(hours=rng.randrange(2, 48)),
            }
            moments[ReferralStatus.ACCEPTED] = moments[ReferralStatus.SENT] + datetime.timedelta(
                days=answer, hours=rng.randrange(8)
            )
            moments[ReferralStatus.REFUSED] = moments[ReferralStatus.ACCEPTED]
            moments[ReferralStatus.IN_PROGRESS] = moments[
                ReferralStatus.ACCEPTED
            ] + datetime.timedelta(days=rng.randrange(3, 15))
            moments[ReferralStatus.CLOSED] = moments[
                ReferralStatus.IN_PROGRESS
            ] + datetime.timedelta(days=rng.randrange(30, 120))
            path = _path(status)
            # Nothing in the future: keep the dates of a pending referral before now.
            shift = max((moments[path[-1]] - now).total_seconds(), 0)
            if shift:
                moments = {
                    k: v - datetime.timedelta(seconds=shift + 3600) for k, v in moments.items()
                }
            reasons = REASONS.get(partner.type, REASONS["other"])
            referral = Referral(
                slsp=slsp,
                follow_up=follow_up,
                household_id=follow_up.household_id,
                partner=partner,
                agreement=agreement,
                reason=reasons[n % len(reasons)],
                shared_data=[SharedData.IDENTITY, SharedData.ADDRESS]
                + ([SharedData.ARREARS] if partner.type == "cpas" else []),
                status=status,
                proposed_at=moments[ReferralStatus.PROPOSED],
                sent_at=moments[ReferralStatus.SENT] if len(path) > 1 else None,
                answered_at=moments[path[2]] if len(path) > 2 else None,
                started_at=moments[ReferralStatus.IN_PROGRESS] if len(path) > 3 else None,
                closed_at=moments[ReferralStatus.CLOSED]
                if status == ReferralStatus.CLOSED
                else None,
                outcome=OUTCOMES[n % len(OUTCOMES)] if status == ReferralStatus.CLOSED else "",
                answer_note="Rendez-vous fixé avec l'assistante sociale"
                if status
                not in (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.REFUSED)
                else ("Hors de notre zone d'action" if status == ReferralStatus.REFUSED else ""),
                recipient_email=recipients[agreement.pk],
                created_by_id=follow_up.opened_by_id,
            )
            referrals.append(referral)
            steps.append(
                [(path[i - 1] if i else "", path[i], moments[path[i]]) for i in range(len(path))]
            )
        Referral.objects.bulk_create(referrals)
        ReferralEvent.objects.bulk_create(
            ReferralEvent(
                slsp=slsp,
                referral=referral,
                at=at,
                from_status=before,
                to_status=after,
                by_user_id=referral.created_by_id,
            )
            for referral, path in zip(referrals, steps, strict=True)
            for before, after, at in path
        )

"""Activity of one SLSP during S1 2025, with the figures a report must show computed here
independently of apps/reports/indicators.py (by counting what was created)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, Domain, FollowUp, Moment, MomentKind, Outcome
from apps.slsps.models import (
    ActionStrategy,
    Attendance,
    NetworkEvent,
    NetworkEventKind,
    StrategyItem,
    StrategyItemKind,
)
from tests.partners.factories import AgreementFactory, PartnerFactory, SlspPartnerFactory
from tests.tenants.factories import MemberFactory, TenancyFactory

YEAR, SEMESTER = 2025, 1
D = datetime.date
TENANT_NAMES = ("Vandenberghe-Testeur", "Oukacha-Témoin", "Lambotte-Fictif")


@dataclass
class Expected:
    opened: int = 0
    closed: int = 0
    active: int = 0
    moments: int = 0
    welcome_moments: int = 0
    new_households: int = 0
    welcomed: int = 0
    relocations: int = 0
    sessions: int = 0
    participants: int = 0
    referrals: int = 0
    median_days: float | None = None
    present: int = 0
    by_domain_active: dict = field(default_factory=dict)


def make_activity(slsp, user, *, scale: int = 1) -> Expected:
    """Build a semester of work; `scale` multiplies the rows (for query-count tests)."""
    e = Expected()
    with scopes_disabled():
        strategy = ActionStrategy.objects.create(
            slsp=slsp, year=YEAR, summary="Priorité aux nouveaux locataires de la cité."
        )
        StrategyItem.objects.create(
            strategy=strategy,
            slsp=slsp,
            kind=StrategyItemKind.OBJECTIVE,
            title="Accueillir chaque nouveau ménage",
            order=1,
        )
        StrategyItem.objects.create(
            strategy=strategy,
            slsp=slsp,
            kind=StrategyItemKind.AXIS,
            title="Impayés au-delà de 1 000 euros",
            order=1,
        )
        for n in range(scale):
            names = TENANT_NAMES
            # 1. A household entered in February, welcomed after 10 days, followed (arrears).
            t1 = TenancyFactory(
                slsp=slsp,
                start_date=D(YEAR, 2, 1),
                household__display_name=f"Ménage {names[0]} {n}",
            )
            MemberFactory(slsp=slsp, household=t1.household, last_name=names[0])
            consent = Consent.objects.create(
                slsp=slsp, household=t1.household, given_on=D(YEAR, 2, 5), recorded_by=user
            )
            Moment.objects.create(
                slsp=slsp,
                household=t1.household,
                kind=MomentKind.WELCOME,
                date=D(YEAR, 2, 11),
                author=user,
                duration_minutes=60,
            )
            FollowUp.objects.create(
                slsp=slsp,
                household=t1.household,
                consent=consent,
                domains=[Domain.IMPAYES, Domain.HABITER],
                objective="Plan d'apurement",
                opened_on=D(YEAR, 2, 20),
                opened_by=user,
            )
            Moment.objects.create(
                slsp=slsp,
                household=t1.household,
                kind=MomentKind.ARREARS,
                date=D(YEAR, 3, 1),
                author=user,
            )
            # 2. Entered in May, welcomed too late (90 days): counted as new, not welcomed.
            t2 = TenancyFactory(
                slsp=slsp,
                start_date=D(YEAR, 5, 2),
                household__display_name=f"Ménage {names[1]} {n}",
            )
            MemberFactory(slsp=slsp, household=t2.household, last_name=names[1])
            Moment.objects.create(
                slsp=slsp,
                household=t2.household,
                kind=MomentKind.WELCOME,
                date=D(YEAR, 8, 10),
                author=user,
            )  # in S2: not counted in S1
            # 3. An older tenant, relocation follow-up opened in 2024, closed as rehoused in April.
            t3 = TenancyFactory(
                slsp=slsp,
                start_date=D(2019, 3, 1),
                household__display_name=f"Ménage {names[2]} {n}",
            )
            MemberFactory(slsp=slsp, household=t3.household, last_name=names[2])
            c3 = Consent.objects.create(
                slsp=slsp, household=t3.household, given_on=D(2024, 9, 1), recorded_by=user
            )
            FollowUp.objects.create(
                slsp=slsp,
                household=t3.household,
                consent=c3,
                domains=[Domain.RELOGEMENT],
                objective="Relogement pendant travaux",
                opened_on=D(2024, 9, 2),
                opened_by=user,
                closed_on=D(YEAR, 4, 15),
                outcome=Outcome.REHOUSED,
            )
            Moment.objects.create(
                slsp=slsp,
                household=t3.household,
                kind=MomentKind.MOVE,
                date=D(YEAR, 4, 10),
                author=user,
                duration_minutes=90,
            )
            Moment.objects.create(
                slsp=slsp,
                household=t3.household,
                kind=MomentKind.MOVE,
                date=D(2024, 12, 1),
                author=user,
            )  # before S1
            e.opened += 1
            e.closed += 1
            e.active += 1
            e.moments += 3
            e.new_households += 2
            e.welcomed += 1
            e.relocations += 1
            e.by_domain_active = {"impayes": e.active, "habiter": e.active}
        e.welcome_moments = scale
        # Partner network.
        cpas = PartnerFactory(name="CPAS de Testville", type="cpas")
        SlspPartnerFactory(slsp=slsp, partner=cpas, since=D(2024, 1, 1))
        AgreementFactory(
            slsp=slsp, partner=cpas, start_date=D(2024, 1, 1), end_date=D(2026, 12, 31)
        )
        # SWL network: a training attended, an intervision missed.
        training = NetworkEvent.objects.create(
            kind=NetworkEventKind.TRAINING, title="Formation impayés", date=D(YEAR, 3, 12)
        )
        intervision = NetworkEvent.objects.create(
            kind=NetworkEventKind.INTERVISION, title="Intervision", date=D(YEAR, 5, 20)
        )
        Attendance.objects.create(event=training, slsp=slsp, person=user, present=True)
        Attendance.objects.create(event=intervision, slsp=slsp, person=user, present=False)
        e.present = 1
        # Referrals sent in S1, answered after 2, 4 and 6 days (median 4); one only proposed.
        Referral = _model("referrals.Referral")
        if Referral:
            followed = FollowUp.objects.filter(slsp=slsp).order_by("pk").first()
            association = PartnerFactory(name="Association Test", type="association")
            noon = datetime.time(12, 0)
            tz = datetime.UTC
            for partner, days, status, outcome in (
                (cpas, 2, "accepted", ""),
                (cpas, 4, "refused", ""),
                (association, 6, "closed", "objectif_atteint"),
            ):
                sent = datetime.datetime.combine(D(YEAR, 3, 2), noon, tz)
                Referral.objects.create(
                    slsp=slsp,
                    follow_up=followed,
                    household=followed.household,
                    partner=partner,
                    reason="Motif confidentiel",
                    status=status,
                    outcome=outcome,
                    sent_at=sent,
                    answered_at=sent + datetime.timedelta(days=days),
                    created_by=user,
                )
            Referral.objects.create(
                slsp=slsp,
                follow_up=followed,
                household=followed.household,
                partner=cpas,
                reason="Pas encore envoyée",
                created_by=user,
            )
            e.referrals, e.median_days = 3, 4.0
        # Collective actions, when the app has them.
        CollectiveAction = _model("collective.CollectiveAction")
        ActionSession = _model("collective.ActionSession")
        if CollectiveAction and ActionSession:
            action = CollectiveAction.objects.create(
                slsp=slsp,
                kind="fete_voisins",
                title="Fête des voisins",
                objective="Se rencontrer",
                start_date=D(YEAR, 5, 1),
            )
            for day, people in ((D(YEAR, 5, 20), 30), (D(YEAR, 6, 3), 12), (D(YEAR, 7, 3), 50)):
                ActionSession.objects.create(
                    action=action, slsp=slsp, date=day, participants=people, tenants=people // 2
                )
            e.sessions, e.participants = 2, 42
    return e


def _model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None

"""Demo consents, follow-ups and moments over the last two years, for every demo SLSP.

Collective actions and referrals have their own demo modules (apps.collective.demo,
apps.referrals.demo), run after this one in INSTALLED_APPS order."""

import datetime

from apps.accompaniment.models import Consent, Domain, FollowUp, Moment, MomentKind, Outcome
from apps.accounts.models import Membership, Role
from apps.tenants.models import Household

OBJECTIVES = {
    Domain.IMPAYES: "Mettre en place un plan d'apurement et le tenir",
    Domain.HABITER: "Entretenir le logement et gérer le chauffage",
    Domain.VOISINAGE: "Apaiser un conflit de voisinage dans l'immeuble",
    Domain.RELOGEMENT: "Préparer le déménagement pendant les travaux",
    Domain.ACCUEIL: "Réussir la première année dans le logement",
    Domain.SPECIFIQUE: "Relayer vers le service spécialisé et suivre l'orientation",
}
KINDS = {
    Domain.IMPAYES: [MomentKind.ARREARS, MomentKind.REPAYMENT, MomentKind.PHONE],
    Domain.HABITER: [MomentKind.HOME_VISIT, MomentKind.TECHNICAL, MomentKind.OBLIGATIONS],
    Domain.VOISINAGE: [MomentKind.NEIGHBOUR, MomentKind.HOME_VISIT, MomentKind.OFFICE],
    Domain.RELOGEMENT: [MomentKind.WORKS, MomentKind.MOVE, MomentKind.OFFICE],
    Domain.ACCUEIL: [MomentKind.WELCOME, MomentKind.OBLIGATIONS, MomentKind.PHONE],
    Domain.SPECIFIQUE: [MomentKind.ORIENTATION, MomentKind.PHONE, MomentKind.OFFICE],
}
NOTES = [
    "Entretien constructif",
    "Documents remis",
    "À recontacter dans quinze jours",
    "Le locataire était absent",
    "Accord sur les prochaines étapes",
    "",
]


def seed(ctx):
    rng = ctx.rng
    today = datetime.date.today()
    domains = list(OBJECTIVES)
    for slsp in ctx.slsps:
        if Consent.objects.filter(slsp=slsp).exists():
            continue
        author_id = (
            Membership.objects.filter(slsp=slsp, role=Role.REFERENT)
            .values_list("user_id", flat=True)
            .first()
        )
        if author_id is None:
            continue
        households = list(Household.objects.filter(slsp=slsp).order_by("pk"))
        moments = []
        # About half the households accepted an accompaniment.
        for index, household in enumerate(households[::2]):
            given = today - datetime.timedelta(days=rng.randrange(30, 700))
            consent = Consent.objects.create(
                slsp=slsp,
                household=household,
                given_on=given,
                recorded_by_id=author_id,
                covers_follow_up=True,
            )
            domain = domains[index % len(domains)]
            closed = index % 3 == 0
            follow_up = FollowUp.objects.create(
                slsp=slsp,
                household=household,
                consent=consent,
                domains=[domain],
                objective=OBJECTIVES[domain],
                opened_on=given,
                opened_by_id=author_id,
                closed_on=min(today, given + datetime.timedelta(days=180)) if closed else None,
                outcome=Outcome.STABILISED if closed else "",
            )
            span = ((follow_up.closed_on or today) - given).days
            for step in range(2 + rng.randrange(5)):
                moments.append(
                    Moment(
                        slsp=slsp,
                        household=household,
                        follow_up=follow_up,
                        kind=KINDS[domain][step % 3],
                        date=given + datetime.timedelta(days=rng.randrange(max(1, span))),
                        duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                        author_id=author_id,
                        note=rng.choice(NOTES),
                    )
                )
        Moment.objects.bulk_create(moments)
        _seed_agenda(slsp, author_id, today, rng)


def _seed_agenda(slsp, author_id, today, rng):
    """A few appointments in the coming week and next steps, some overdue: the agenda
    and the home's work list are not empty in the demo."""
    open_ones = list(FollowUp.objects.filter(slsp=slsp, closed_on__isnull=True).order_by("pk")[:24])
    appointments = []
    for index, follow_up in enumerate(open_ones):
        if index % 3 == 0:
            appointments.append(
                Moment(
                    slsp=slsp,
                    household_id=follow_up.household_id,
                    follow_up=follow_up,
                    kind=KINDS[Domain(follow_up.domains[0])][0],
                    date=today + datetime.timedelta(days=rng.randrange(-2, 7)),
                    time=datetime.time(9 + rng.randrange(8), rng.choice([0, 30])),
                    duration_minutes=rng.choice([30, 45, 60]),
                    author_id=author_id,
                    planned=True,
                )
            )
        elif index % 3 == 1:
            follow_up.next_step = "Rappeler pour fixer la prochaine visite"
            follow_up.next_step_due = today + datetime.timedelta(days=rng.randrange(-5, 15))
            follow_up.save(update_fields=["next_step", "next_step_due"])
    Moment.objects.bulk_create(appointments)

"""Demo calls for projects: the 2011 call in deliberation (40 dossiers, 7 jurors), a call
under review where the demo juror still has work, a decided call that fills the
good-practice library, and an open call where the demo référente drafts a dossier.

Applicants are demo SLSPs only ("SLSP de démonstration NN"); people are fictitious.
Each call is created whole the first time and left alone afterwards (idempotent).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.calls import services
from apps.calls.models import (
    Action,
    Assignment,
    BudgetLine,
    Call,
    CallStatus,
    Criterion,
    Decision,
    Domain,
    Dossier,
    DossierApplicant,
    Outcome,
    Score,
    TargetPublic,
)
from apps.partners.models import SlspPartner

BRUSSELS = ZoneInfo("Europe/Brussels")
DEMO_JUROR = "jury@demo.slsp-referent.be"
REFERENTE_A = "referente.a@demo.slsp-referent.be"
REFERENT_B = "referent.b@demo.slsp-referent.be"

# The selection criteria of the first call (DESIGN.md §1), scored 0-5.
CRITERIA_2011 = [
    (
        "Dimension individuelle et collective",
        "Une ou plusieurs actions qui allient une dimension individuelle et une dimension "
        "collective.",
        3,
        True,
    ),
    (
        "Approche préventive et curative",
        "Le projet prévient les difficultés et répond aussi à celles qui sont installées.",
        2,
        True,
    ),
    (
        "Partenariats avec les acteurs socio-sanitaires",
        "CPAS, santé mentale, relais sociaux, maisons d'accueil… associés au projet.",
        2,
        True,
    ),
    (
        "Publics visés",
        "Locataires de logements de transit, d'insertion et de logements sociaux accompagnés.",
        2,
        True,
    ),
    (
        "Innovation ou pratique qui a fait ses preuves",
        "Un projet innovant, ou une pratique existante dont les résultats sont montrés.",
        1,
        True,
    ),
    (
        "Réalisme du budget",
        "Informe le jury sans entrer dans le total.",
        1,
        False,
    ),
]
CRITERIA_HABITER = [
    ("Ancrage dans le quartier", "Le projet part des habitants et du CCLP.", 2, True),
    ("Pédagogie de l'habiter", "Des apprentissages concrets sur le logement.", 2, True),
    ("Partenaires associés", "Régie de quartier, PCS, écoles de devoirs…", 1, True),
    ("Remarques sur la faisabilité", "Informe le jury sans entrer dans le total.", 1, False),
]
CRITERIA_IMPAYES = [
    ("Prévention avant le contentieux", "Agir dès le premier retard de loyer.", 3, True),
    ("Collaboration avec le CPAS", "Guidance budgétaire, plans d'apurement.", 2, True),
    ("Suivi des résultats", "Indicateurs simples et évaluation semestrielle.", 1, True),
]

THEMES = [
    "Bien habiter son logement",
    "Prévenir les impayés ensemble",
    "Bien vivre ensemble dans la cité",
    "Accompagner le relogement",
    "Premiers pas dans le logement",
    "Un quartier qui se parle",
    "Des locataires acteurs de leur cité",
    "Habiter et s'insérer",
    "Du transit au logement durable",
    "Réseau santé et logement",
    "La cité en fête",
    "Un toit, un projet",
]
SUMMARIES = [
    "Le référent social réunit le CPAS, le plan de cohésion sociale et le comité "
    "consultatif des locataires autour des ménages de la première année d'occupation : "
    "visite d'accueil à domicile, puis ateliers collectifs sur l'usage du logement.",
    "Une permanence hebdomadaire avec le service social du CPAS repère les retards de "
    "loyer dès le premier mois ; des séances collectives sur le budget complètent les "
    "plans d'apurement individuels.",
    "Pendant la rénovation de deux immeubles, chaque ménage à reloger est suivi "
    "individuellement ; des réunions par bloc et une fête de quartier accompagnent le "
    "retour dans les logements rénovés.",
    "Les occupants des logements de transit et d'insertion sont accompagnés vers un "
    "logement durable, avec la maison d'accueil et le service de santé mentale, et "
    "participent à un groupe de parole mensuel.",
]
ACTIONS = [
    (
        "Visite d'accueil des nouveaux locataires",
        "Une visite à domicile dans le premier mois, avec le livret du locataire.",
        True,
        False,
    ),
    (
        "Ateliers « pédagogie de l'habiter »",
        "Chauffage, humidité, tri des déchets et petites réparations, une fois par mois.",
        False,
        True,
    ),
    (
        "Permanence impayés avec le CPAS",
        "Plan d'apurement et orientation vers la guidance budgétaire.",
        True,
        True,
    ),
    (
        "Fête des voisins",
        "Préparée avec le comité consultatif des locataires et la régie de quartier.",
        False,
        True,
    ),
    (
        "Accompagnement du relogement pendant les travaux",
        "Suivi individuel des ménages et réunions d'information par bloc.",
        True,
        True,
    ),
    (
        "Orientation vers le service de santé mentale",
        "Avec l'accord du locataire, un relais vers un service spécialisé.",
        True,
        False,
    ),
    ("École de devoirs dans la cité", "Deux après-midis par semaine.", False, True),
    ("Groupe de parole des locataires", "Un groupe mensuel animé avec le PCS.", False, True),
]
BUDGET_POSTS = [
    "Animation des ateliers",
    "Matériel pédagogique",
    "Frais de déplacement",
    "Location de salle",
    "Communication aux locataires",
    "Supervision et formation",
]
COMMENTS = [
    "Partenariat solide, bien décrit.",
    "La dimension collective reste à préciser.",
    "Public cible clairement identifié.",
    "Budget cohérent avec les actions.",
    "Projet intéressant, mais peu d'indicateurs de suivi.",
    "Bonne articulation entre prévention et réponse aux difficultés.",
    "",
    "",
]
OVERALL = [
    "Un dossier convaincant, ancré dans le réseau local.",
    "Projet utile ; les résultats attendus mériteraient d'être chiffrés.",
    "Démarche prometteuse, à suivre de près.",
    "Dossier complet et lisible.",
]
# The six other members of the demo jury (the demo juror account is the seventh).
JURORS = [
    ("jure.1@demo.slsp-referent.be", "Hélène", "Marchal"),
    ("jure.2@demo.slsp-referent.be", "Bruno", "Delhaye"),
    ("jure.3@demo.slsp-referent.be", "Catherine", "Wilmet"),
    ("jure.4@demo.slsp-referent.be", "Didier", "Lhoest"),
    ("jure.5@demo.slsp-referent.be", "Martine", "Goffin"),
    # Also référente of a demo SLSP: never assigned that SLSP's dossiers.
    ("jure.6@demo.slsp-referent.be", "Sylvie", "Closset"),
]
LINKED_JUROR_SLSP_INDEX = 5


@dataclass
class Plan:
    title: str
    description: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    jury_meeting_on: datetime.date | None
    budget: Decimal
    ceiling: Decimal
    status: str
    criteria: list
    dossiers: int
    first_slsp: int = 0
    joint_every: int = 0  # every n-th dossier has co-applicants
    jurors_per_dossier: int = 3


def _at(year, month, day, hour=12, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


def _plans(now: datetime.datetime) -> list[Plan]:
    local = timezone.localtime(now, BRUSSELS)
    today = local.date()

    def days(n, hour=12):
        day = today + datetime.timedelta(days=n)
        return _at(day.year, day.month, day.day, hour)

    return [
        Plan(
            title="Le référent social au cœur de l'accompagnement social dans les SLSP",
            description=(
                "Premier appel à projets régional du programme des référents sociaux. "
                "Les SLSP déposent, seules ou à plusieurs, des projets d'accompagnement "
                "social de leurs locataires."
            ),
            opens_at=_at(2011, 9, 1, 9),
            closes_at=_at(2011, 10, 15, 23, 59, 59),
            jury_meeting_on=datetime.date(2011, 11, 4),
            budget=Decimal("1000000"),
            ceiling=Decimal("40000"),
            status=CallStatus.DELIBERATION,
            criteria=CRITERIA_2011,
            dossiers=40,
            joint_every=8,
        ),
        Plan(
            title="Prévenir les impayés avant le contentieux",
            description="Projets de prévention des arriérés de loyer, avec le CPAS.",
            opens_at=days(-90, 9),
            closes_at=days(-20),
            jury_meeting_on=(today + datetime.timedelta(days=15)),
            budget=Decimal("250000"),
            ceiling=Decimal("30000"),
            status=CallStatus.REVIEW,
            criteria=CRITERIA_IMPAYES,
            dossiers=9,
            first_slsp=2,
            joint_every=4,
        ),
        Plan(
            title="Immeubles en fête et cohésion de quartier",
            description="Actions collectives de quartier menées avec les locataires.",
            opens_at=days(-420, 9),
            closes_at=days(-330),
            jury_meeting_on=(today - datetime.timedelta(days=300)),
            budget=Decimal("120000"),
            ceiling=Decimal("20000"),
            status=CallStatus.DECIDED,
            criteria=CRITERIA_HABITER,
            dossiers=8,
            first_slsp=0,
            joint_every=5,
        ),
        Plan(
            title="Pédagogie de l'habiter : actions collectives de quartier",
            description=(
                "Ateliers, visites et animations qui aident les locataires à bien habiter "
                "leur logement. Un dossier commun à plusieurs SLSP est bienvenu."
            ),
            opens_at=days(-14, 9),
            closes_at=days(42),
            jury_meeting_on=(today + datetime.timedelta(days=60)),
            budget=Decimal("300000"),
            ceiling=Decimal("25000"),
            status=CallStatus.OPEN,
            criteria=CRITERIA_HABITER,
            dossiers=2,
            first_slsp=1,
            joint_every=1,
        ),
    ]


def seed(ctx):
    slsps = list(ctx.slsps)
    if len(slsps) < 12 or DEMO_JUROR not in ctx.users:
        return
    rng = random.Random(20111104)
    jurors = _jurors(ctx, slsps)
    now = timezone.now()
    for plan in _plans(now):
        if Call.objects.filter(title=plan.title).exists():
            continue
        _seed_call(ctx, plan, slsps, jurors, rng, now)


def _jurors(ctx, slsps) -> list[User]:
    jurors = [ctx.users[DEMO_JUROR]]
    for email, first_name, last_name in JURORS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, role=Role.JURY, slsp=None)
        jurors.append(user)
    linked = jurors[-1]
    Membership.objects.get_or_create(
        user=linked, role=Role.REFERENT, slsp=slsps[LINKED_JUROR_SLSP_INDEX]
    )
    return [User.objects.get(pk=j.pk) for j in jurors]  # fresh role caches


def _seed_call(ctx, plan: Plan, slsps, jurors, rng, now):
    call = Call.objects.create(
        title=plan.title,
        description=plan.description,
        opens_at=plan.opens_at,
        closes_at=plan.closes_at,
        jury_meeting_on=plan.jury_meeting_on,
        total_budget=plan.budget,
        ceiling_per_dossier=plan.ceiling,
        status=CallStatus.DRAFT,
    )
    Criterion.objects.bulk_create(
        Criterion(
            call=call,
            position=position,
            label=label,
            description=description,
            weight=Decimal(weight),
            counts=counts,
        )
        for position, (label, description, weight, counts) in enumerate(plan.criteria, start=1)
    )
    networks = _networks(slsps)
    referents = _referents(slsps)
    dossiers = []
    for index in range(plan.dossiers):
        lead = slsps[(plan.first_slsp + index) % len(slsps)]
        co = []
        if plan.joint_every and index % plan.joint_every == plan.joint_every - 1:
            # Joint dossiers: the next SLSPs of the list, one or two of them.
            count = 1 + index % 2
            co = [slsps[(plan.first_slsp + index + k) % len(slsps)] for k in (1, 2)][:count]
        dossiers.append(
            _dossier(call, plan, index, lead, co, networks, referents.get(lead.pk), rng)
        )

    if plan.status == CallStatus.OPEN:
        _seed_open_call(ctx, call, dossiers, slsps, now)
        call.status = CallStatus.OPEN
        call.save(update_fields=["status"])
        return

    # Closed calls: every dossier was submitted in time, a day or more before closing.
    # Receipts are rendered now for the demo référents' SLSPs, on first download for the
    # others (WeasyPrint takes about a second per document).
    shown = {slsps[0].pk, slsps[1].pk}
    for index, dossier in enumerate(dossiers):
        at = plan.closes_at - datetime.timedelta(days=1 + index % 9, hours=index % 7)
        mine = bool(shown & {a.slsp_id for a in dossier.applicants.all()})
        services.freeze(dossier, referents.get(dossier.lead_slsp_id), at, with_receipt=mine)

    call.status = CallStatus.REVIEW
    call.save(update_fields=["status"])
    services.assign_balanced(call, plan.jurors_per_dossier, jurors, _with_applicants(dossiers))
    criteria = list(call.criteria.order_by("position"))
    complete = plan.status != CallStatus.REVIEW
    _seed_reviews(call, criteria, jurors, rng, complete=complete)
    call.status = plan.status
    call.save(update_fields=["status"])
    if plan.status in (CallStatus.DELIBERATION, CallStatus.DECIDED):
        _seed_decisions(call, ctx, decide_all=plan.status == CallStatus.DECIDED)


def _networks(slsps) -> dict[int, list[int]]:
    rows = SlspPartner.objects.filter(slsp__in=slsps).order_by("slsp_id", "partner__name")
    networks: dict[int, list[int]] = {}
    for slsp_id, partner_id in rows.values_list("slsp_id", "partner_id"):
        networks.setdefault(slsp_id, []).append(partner_id)
    return networks


def _referents(slsps) -> dict[int, User]:
    found: dict[int, User] = {}
    for membership in (
        Membership.objects.filter(slsp__in=slsps, role=Role.REFERENT)
        .select_related("user")
        .order_by("pk")
    ):
        if membership.slsp_id is not None:  # always, filtered on slsp__in
            found.setdefault(membership.slsp_id, membership.user)
    return found


def _dossier(call, plan, index, lead, co, networks, author, rng) -> Dossier:
    theme = THEMES[index % len(THEMES)]
    place = lead.head_office_commune or lead.short_name
    title = f"{theme} à {place}" if not co else f"{theme} : projet commun de {len(co) + 1} SLSP"
    if Dossier.objects.filter(call=call, title=title).exists():
        title = f"{title} ({lead.short_name or lead.pk})"
    ceiling = int(plan.ceiling)
    requested = Decimal(rng.randrange(ceiling // 2, ceiling + 1, 500))
    domains = [Domain.values[index % len(Domain.values)]]
    if index % 3 == 0:
        domains.append(Domain.values[(index + 2) % len(Domain.values)])
    publics = [TargetPublic.values[index % 3]]
    if index % 4 == 0:
        publics.append(TargetPublic.values[(index + 1) % 3])
    dossier = Dossier.objects.create(
        call=call,
        lead_slsp=lead,
        title=title,
        summary=SUMMARIES[index % len(SUMMARIES)],
        domains=domains,
        target_publics=publics,
        requested_amount=requested,
        created_by=author,
    )
    DossierApplicant.objects.bulk_create(
        [DossierApplicant(dossier=dossier, slsp=lead, is_lead=True)]
        + [DossierApplicant(dossier=dossier, slsp=s) for s in co]
    )
    partners = networks.get(lead.pk, [])
    if partners:
        dossier.partners.set(partners[index % 3 : index % 3 + 2])
    picked = rng.sample(ACTIONS, 2 + index % 2)
    Action.objects.bulk_create(
        Action(
            dossier=dossier,
            position=position,
            title=title_,
            description=description,
            individual=individual,
            collective=collective,
        )
        for position, (title_, description, individual, collective) in enumerate(picked, 1)
    )
    # Budget lines add up exactly to the amount requested.
    posts = rng.sample(BUDGET_POSTS, 3)
    first = (requested * Decimal("0.5")).quantize(Decimal("1"))
    second = (requested * Decimal("0.3")).quantize(Decimal("1"))
    amounts = [first, second, requested - first - second]
    BudgetLine.objects.bulk_create(
        BudgetLine(dossier=dossier, position=position, label=label, amount=amount)
        for position, (label, amount) in enumerate(zip(posts, amounts, strict=True), 1)
    )
    return dossier


def _with_applicants(dossiers):
    from django.db.models import Prefetch

    ids = [d.pk for d in dossiers]
    return list(
        Dossier.objects.filter(pk__in=ids)
        .prefetch_related(Prefetch("applicants", queryset=DossierApplicant.objects.all()))
        .order_by("pk")
    )


def _seed_reviews(call, criteria, jurors, rng, complete: bool):
    """Declarations and scores.

    Each juror has a habit (severe or generous); each dossier a quality; a few dossiers
    split the jury (flagged for discussion) and two get identical scores (a tie). Two
    assignments end in a declared conflict. In a call still under review, the demo
    juror's work is left half done and another juror has not started.
    """
    assignments = list(
        Assignment.objects.filter(dossier__call=call)
        .select_related("dossier")
        .order_by("dossier_id", "juror_id")
    )
    habit = {j.pk: rng.choice([-0.6, -0.3, 0, 0, 0.3, 0.5]) for j in jurors}
    dossier_ids = sorted({a.dossier_id for a in assignments})
    quality = {d: rng.uniform(1.2, 4.6) for d in dossier_ids}
    split = set(dossier_ids[3:30:9])  # a few dossiers the jury disagrees on
    tie = dossier_ids[10:12] if len(dossier_ids) > 12 else []
    demo_juror, idle_juror = jurors[0].pk, jurors[1].pk
    conflicts_left = 2
    scores = []
    now = timezone.now()
    seen: dict[int, int] = {}
    for n, assignment in enumerate(assignments):
        juror_id = assignment.juror_id
        k = seen[juror_id] = seen.get(juror_id, -1) + 1  # this juror's k-th dossier
        if not complete and juror_id == idle_juror:
            continue  # not started yet: declaration awaited
        if not complete and juror_id == demo_juror and k % 3 == 0:
            continue  # the demo juror has declarations to make
        if conflicts_left and n % 17 == 5 and juror_id != demo_juror:
            assignment.conflict = Assignment.Conflict.CONFLICT
            assignment.conflict_reason = (
                "J'ai travaillé avec la référente de la SLSP porteuse l'an dernier."
            )
            assignment.declared_at = now
            assignment.save(update_fields=["conflict", "conflict_reason", "declared_at"])
            conflicts_left -= 1
            continue
        assignment.conflict = Assignment.Conflict.NONE
        assignment.declared_at = now
        fields = ["conflict", "declared_at"]
        draft = not complete and juror_id == demo_juror and k % 3 == 1
        for position, criterion in enumerate(criteria):
            value: int | None
            if assignment.dossier_id in tie:
                value = 4
            elif assignment.dossier_id in split and position == 0:
                value = 1 if juror_id % 2 else 5
            else:
                raw = quality[assignment.dossier_id] + habit[juror_id] + rng.uniform(-0.8, 0.8)
                value = max(criterion.scale_min, min(criterion.scale_max, round(raw)))
            if draft and position == len(criteria) - 1:
                value = None  # a draft not finished yet
            scores.append(
                Score(
                    assignment=assignment,
                    criterion=criterion,
                    value=value,
                    comment=rng.choice(COMMENTS),
                )
            )
        if not draft:
            assignment.status = Assignment.Status.SUBMITTED
            assignment.submitted_at = now
            assignment.overall_comment = rng.choice(OVERALL)
            fields += ["status", "submitted_at", "overall_comment"]
        assignment.save(update_fields=fields)
    Score.objects.bulk_create(scores)


def _seed_decisions(call, ctx, decide_all: bool):
    """In deliberation, the best-ranked dossiers already have a decision; once decided,
    every dossier has one (selected within the budget, then a waiting list)."""
    from apps.calls import queries

    coordinator = ctx.users.get("coordinatrice@demo.slsp-referent.be")
    rows = queries.ranking(call)["rows"]
    decided = rows if decide_all else rows[:6]
    decisions = []
    for position, row in enumerate(decided):
        dossier = row.dossier
        if row.within_budget and position < max(3, len(rows) // 3):
            outcome, granted = Outcome.SELECTED, dossier.requested_amount
            rationale = "Projet retenu : partenariats solides et public bien ciblé."
        elif position < len(rows) // 2:
            outcome, granted = Outcome.WAITING, None
            rationale = "Projet de qualité, en liste d'attente faute de budget."
        else:
            outcome, granted = Outcome.REJECTED, None
            rationale = "Le projet ne répond pas assez aux critères de l'appel."
        decisions.append(
            Decision(
                dossier=dossier,
                outcome=outcome,
                granted_amount=granted,
                rationale=rationale,
                decided_by=coordinator,
            )
        )
    Decision.objects.bulk_create(decisions)
    if decide_all:
        call.deliberation_notes = "Classement arrêté à l'unanimité par le jury."
        call.save(update_fields=["deliberation_notes"])


def _seed_open_call(ctx, call, dossiers, slsps, now):
    """The open call: a joint draft led by the SLSP of the demo référent B with the demo
    référente A's SLSP, and one dossier already submitted by other SLSPs; référente A
    can write her own."""
    referent_b = ctx.users.get(REFERENT_B)
    slsp_a, slsp_b = slsps[0], slsps[1]
    joint, submitted = dossiers
    # Make the joint draft exactly B (lead) + A (co-applicant), left incomplete.
    DossierApplicant.objects.filter(dossier=joint).delete()
    joint.lead_slsp = slsp_b
    joint.title = "Habiter ensemble : projet commun de 2 SLSP"
    joint.target_publics = []
    joint.created_by = referent_b
    joint.save(update_fields=["lead_slsp", "title", "target_publics", "created_by"])
    DossierApplicant.objects.bulk_create(
        [
            DossierApplicant(dossier=joint, slsp=slsp_b, is_lead=True),
            DossierApplicant(dossier=joint, slsp=slsp_a),
        ]
    )
    services.freeze(submitted, None, now - datetime.timedelta(days=2))

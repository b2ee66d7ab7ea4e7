"""Demo SLSPs (clearly labelled), demo accounts for every role, yearly strategies and
the référents' network (events with attendance, good-practice sheets)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from apps.accounts.models import Membership, Role, User
from apps.core.text import de
from apps.slsps.models import (
    ActionStrategy,
    Attendance,
    GoodPracticeSheet,
    NetworkEvent,
    NetworkEventKind,
    Province,
    ReferentPost,
    Slsp,
    StrategyItem,
    StrategyItemKind,
)

PROGRAMME_SLSP_COUNT = 68

# Real Walloon communes as head offices of the fictitious demo companies.
DEMO_COMMUNES = [
    ("Tournai", Province.HAINAUT),
    ("Namur", Province.NAMUR),
    ("Liège", Province.LIEGE),
    ("Arlon", Province.LUXEMBOURG),
    ("Wavre", Province.BRABANT_WALLON),
    ("Mouscron", Province.HAINAUT),
    ("Seraing", Province.LIEGE),
    ("Dinant", Province.NAMUR),
    ("Bastogne", Province.LUXEMBOURG),
    ("Ottignies-Louvain-la-Neuve", Province.BRABANT_WALLON),
    ("Ath", Province.HAINAUT),
    ("Huy", Province.LIEGE),
    ("Ciney", Province.NAMUR),
    ("Eupen", Province.LIEGE),
    ("Tubize", Province.BRABANT_WALLON),
    ("Binche", Province.HAINAUT),
    ("Waremme", Province.LIEGE),
    ("Andenne", Province.NAMUR),
    ("Libramont-Chevigny", Province.LUXEMBOURG),
    ("Soignies", Province.HAINAUT),
]

DEMO_PEOPLE = [
    # role, e-mail, first name, last name, index of the demo SLSP (None: regional)
    (Role.REFERENT, "referente.a@demo.slsp-referent.be", "Sophie", "Lambert", 0),
    (Role.REFERENT, "referent.b@demo.slsp-referent.be", "Julien", "Dubois", 1),
    (Role.ACCOMPAGNATEUR, "accompagnatrice.a@demo.slsp-referent.be", "Nadia", "Mertens", 0),
    (Role.DIRECTION, "direction.a@demo.slsp-referent.be", "Philippe", "Renard", 0),
    (Role.COORDINATEUR, "coordinatrice@demo.slsp-referent.be", "Isabelle", "Collard", None),
    (Role.JURY, "jury@demo.slsp-referent.be", "Marc", "Lejeune", None),
    (Role.ADMIN, "admin@demo.slsp-referent.be", "Anne", "Leclercq", None),
]


def demo_name(number: int) -> str:
    return f"SLSP de démonstration {number}"


def seed(ctx):
    real_count = Slsp.objects.filter(is_demo=False).count()
    first = real_count + 1
    for number in range(first, max(first, PROGRAMME_SLSP_COUNT + 1)):
        commune, province = DEMO_COMMUNES[(number - first) % len(DEMO_COMMUNES)]
        Slsp.objects.get_or_create(
            official_name=demo_name(number),
            defaults={
                "short_name": f"Démo {number}",
                "head_office_commune": commune,
                "province": province,
                "communes_served": [commune],
                "housing_units": 600 + (number * 137) % 2400,
                "housing_units_year": 2026,
                "is_demo": True,
            },
        )
    demo_slsps = list(Slsp.objects.filter(is_demo=True).order_by("pk"))
    ctx.slsps = demo_slsps
    if not demo_slsps:
        return

    for role, email, first_name, last_name, slsp_index in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        slsp = demo_slsps[slsp_index] if slsp_index is not None else None
        Membership.objects.get_or_create(user=user, role=role, slsp=slsp)
        ctx.users[email] = user
        ctx.logins.append((str(role.label), email, str(slsp) if slsp else "Région"))

    _seed_posts(ctx, demo_slsps)
    _seed_strategies(demo_slsps)
    _seed_network(demo_slsps)
    _seed_good_practices(demo_slsps)


def _seed_posts(ctx, demo_slsps):
    """One référent post per demo SLSP, two in the largest, a few still vacant."""
    without_posts = (
        Slsp.objects.filter(is_demo=True)
        .annotate(n=Count("referent_posts"))
        .filter(n=0)
        .order_by("pk")
    )
    named = {
        demo_slsps[0].pk: ctx.users.get("referente.a@demo.slsp-referent.be"),
        demo_slsps[1].pk: ctx.users.get("referent.b@demo.slsp-referent.be"),
    }
    for position, slsp in enumerate(without_posts):
        start = datetime.date(2012 + slsp.pk % 8, 1 + slsp.pk % 12, 1)
        posts = 2 if (slsp.housing_units or 0) > 2500 else 1
        for index in range(posts):
            person = named.get(slsp.pk) if index == 0 else None
            # Most posts are filled; every seventh second post waits for a recruit.
            if person is None and (index == 0 or position % 7):
                person = _demo_referent(ctx, slsp, position, index)
            ReferentPost.objects.create(
                slsp=slsp,
                person=person,
                fte=Decimal("1.00") if index == 0 else Decimal("0.50"),
                annual_funding=Decimal("36000.00") if index == 0 else Decimal("18000.00"),
                start_date=start,
            )


FIRST_NAMES = [
    "Claire",
    "Thomas",
    "Élodie",
    "Nicolas",
    "Aurélie",
    "Olivier",
    "Céline",
    "David",
    "Valérie",
    "Laurent",
    "Sarah",
    "Benoît",
    "Manon",
    "François",
    "Amélie",
    "Pierre",
]
LAST_NAMES = [
    "Martin",
    "Dupont",
    "Lemaire",
    "Gilson",
    "Hubert",
    "Jacquet",
    "Wauters",
    "Piron",
    "Charlier",
    "Delvaux",
    "Hermans",
    "Lecomte",
    "Simon",
    "Remacle",
    "Thiry",
    "Masson",
]


def _demo_referent(ctx, slsp, position, index):
    email = f"referent.demo{slsp.pk}-{index + 1}@demo.slsp-referent.be"
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": FIRST_NAMES[(position + index) % len(FIRST_NAMES)],
            "last_name": LAST_NAMES[(position * 3 + index) % len(LAST_NAMES)],
        },
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, role=Role.REFERENT, slsp=slsp)
    return user


# --- Yearly strategies ---

OBJECTIVES = [
    (
        "Accueillir chaque nouveau locataire dans les trois mois de son entrée",
        "Visite d'accueil, explication du bail et du règlement d'ordre intérieur.",
    ),
    (
        "Prévenir les impayés dès le premier retard",
        "Contact systématique avec le service contentieux et orientation vers le CPAS.",
    ),
    (
        "Accompagner les relogements liés aux travaux de rénovation",
        "Information collective puis suivi individuel des ménages concernés.",
    ),
    (
        "Renforcer la pédagogie de l'habiter",
        "Ateliers sur l'entretien du logement, l'énergie et la ventilation.",
    ),
    (
        "Consolider le réseau de partenaires",
        "Conventions avec le CPAS, le PCS et les services de santé mentale.",
    ),
    ("Soutenir la participation des locataires", "Travail avec le CCLP et animations de quartier."),
]
AXES = [
    (
        "Troubles de voisinage à la cité {district}",
        "Médiation et présence régulière dans le quartier.",
    ),
    (
        "Arriérés de loyer supérieurs à {threshold} EUR",
        "Plan d'apurement proposé à chaque ménage au-delà du seuil local.",
    ),
    (
        "Premiers mois d'occupation des locataires isolés",
        "Visite à domicile et orientation vers les services de proximité.",
    ),
    (
        "Logements de transit : sortie vers un logement durable",
        "Recherche de logement et constitution de la garantie locative.",
    ),
]
DISTRICTS = ["du Centre", "des Bruyères", "du Tilleul", "de la Gare", "des Sorbiers"]


def _seed_strategies(demo_slsps):
    """A strategy for this year and last year for every demo SLSP (idempotent)."""
    year = timezone.localdate().year
    existing = set(
        ActionStrategy.objects.filter(slsp__in=demo_slsps).values_list("slsp_id", "year")
    )
    items = []
    for slsp in demo_slsps:
        for offset, strategy_year in enumerate((year - 1, year)):
            if (slsp.pk, strategy_year) in existing:
                continue
            strategy = ActionStrategy.objects.create(
                slsp=slsp,
                year=strategy_year,
                summary=(
                    f"Stratégie {strategy_year} {de(slsp)} : priorité à l'accueil des "
                    "nouveaux locataires, à la prévention des impayés et au travail en "
                    "réseau avec les partenaires locaux."
                ),
            )
            n_objectives = 2 + (slsp.pk + offset) % 3
            n_axes = 1 + (slsp.pk + offset) % 3
            for order in range(n_objectives):
                title, description = OBJECTIVES[(slsp.pk + order + offset) % len(OBJECTIVES)]
                items.append(
                    StrategyItem(
                        strategy=strategy,
                        slsp=slsp,
                        kind=StrategyItemKind.OBJECTIVE,
                        title=title,
                        description=description,
                        order=order + 1,
                    )
                )
            for order in range(n_axes):
                title, description = AXES[(slsp.pk + order) % len(AXES)]
                title = title.format(
                    district=DISTRICTS[slsp.pk % len(DISTRICTS)],
                    threshold=500 + 250 * (slsp.pk % 4),
                )
                items.append(
                    StrategyItem(
                        strategy=strategy,
                        slsp=slsp,
                        kind=StrategyItemKind.AXIS,
                        title=title,
                        description=description,
                        order=order + 1,
                    )
                )
    StrategyItem.objects.bulk_create(items)


# --- The référents' network ---

EVENTS = [
    # kind, title, month, day, place (year offset 1 = last year, 0 = this year)
    (NetworkEventKind.TRAINING, "Formation : le rôle du référent social", 1, 2, 20, "Charleroi"),
    (NetworkEventKind.INTERVISION, "Intervision : situations d'impayés", 1, 3, 14, "Namur"),
    (
        NetworkEventKind.TRAINING,
        "Formation : secret professionnel et partage de données",
        1,
        4,
        18,
        "Namur",
    ),
    (NetworkEventKind.EXCHANGE_DAY, "Journée d'échange des référents", 1, 6, 12, "Liège"),
    (NetworkEventKind.INTERVISION, "Intervision : troubles de voisinage", 1, 9, 26, "Mons"),
    (NetworkEventKind.TRAINING, "Formation : accompagner un relogement", 1, 11, 21, "Namur"),
    (NetworkEventKind.TRAINING, "Formation : accueil des nouveaux locataires", 0, 1, 23, "Namur"),
    (NetworkEventKind.INTERVISION, "Intervision : santé mentale et logement", 0, 3, 13, "Liège"),
    (
        NetworkEventKind.TRAINING,
        "Formation : évaluation semestrielle de la stratégie",
        0,
        5,
        15,
        "Charleroi",
    ),
    (NetworkEventKind.EXCHANGE_DAY, "Journée d'échange : actions collectives", 0, 6, 19, "Namur"),
    (NetworkEventKind.INTERVISION, "Intervision : logements de transit", 0, 10, 9, "Arlon"),
    (NetworkEventKind.TRAINING, "Formation : médiation de voisinage", 0, 12, 11, "Namur"),
]


def _seed_network(demo_slsps):
    """A dozen SWL events over two years; attendance of the demo référents at past
    ones (about four in five present). Idempotent: events by title and date,
    attendance by its unique (event, person)."""
    today = timezone.localdate()
    events = []
    for kind, title, offset, month, day, place in EVENTS:
        event, _ = NetworkEvent.objects.get_or_create(
            title=title,
            date=datetime.date(today.year - offset, month, day),
            defaults={
                "kind": kind,
                "place": place,
                "description": "Activité du réseau des référents organisée par la SWL.",
            },
        )
        events.append(event)
    memberships = list(
        Membership.objects.filter(role=Role.REFERENT, slsp__in=demo_slsps).order_by("pk")
    )
    lines = []
    seen = set()
    for number, event in enumerate(events):
        if event.date > today:
            continue
        for membership in memberships:
            if (event.pk, membership.user_id) in seen:
                continue
            seen.add((event.pk, membership.user_id))
            lines.append(
                Attendance(
                    event=event,
                    slsp_id=membership.slsp_id,
                    person_id=membership.user_id,
                    present=(membership.user_id + number) % 5 != 0,
                )
            )
    Attendance.objects.bulk_create(lines, ignore_conflicts=True)


GOOD_PRACTICES = [
    (
        "Une visite d'accueil dans le mois de l'entrée",
        "Pédagogie de l'habiter",
        "Chaque nouveau locataire reçoit la visite du référent et d'un agent technique dans "
        "le mois de son entrée.",
        "Les questions sur le chauffage et la ventilation sont réglées avant l'hiver.",
        "CPAS, régie de quartier",
        True,
    ),
    (
        "Un rendez-vous dès le premier mois d'arriéré",
        "Lutte contre les impayés",
        "Le service contentieux signale au référent tout premier retard ; un rendez-vous est "
        "proposé dans les quinze jours.",
        "Les plans d'apurement sont conclus plus tôt et plus souvent respectés.",
        "CPAS, service de médiation de dettes",
        True,
    ),
    (
        "Une réunion d'information avant chaque chantier PEI",
        "Aide au relogement",
        "Les locataires concernés par la rénovation sont réunis avant les travaux ; chaque "
        "ménage reçoit ensuite un rendez-vous individuel.",
        "Moins de refus de déménagement temporaire.",
        "Régie de quartier, CCLP",
        True,
    ),
    (
        "Fête des voisins co-organisée avec le CCLP",
        "Actions collectives",
        "Une fête annuelle préparée avec le comité consultatif des locataires.",
        "Les nouveaux locataires rencontrent leurs voisins et le référent.",
        "CCLP, plan de cohésion sociale",
        False,
    ),
]


def _seed_good_practices(demo_slsps):
    authors = {
        m.slsp_id: m.user
        for m in Membership.objects.filter(role=Role.REFERENT, slsp__in=demo_slsps)
        .select_related("user")
        .order_by("-pk")
    }
    for index, (title, domain, summary, worked, partners, published) in enumerate(GOOD_PRACTICES):
        slsp = demo_slsps[index % len(demo_slsps)]
        GoodPracticeSheet.objects.get_or_create(
            slsp=slsp,
            title=title,
            defaults={
                "domain": domain,
                "summary": summary,
                "what_worked": worked,
                "partners_involved": partners,
                "published": published,
                "created_by": authors.get(slsp.pk),
            },
        )

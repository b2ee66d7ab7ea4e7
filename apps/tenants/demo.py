"""Demo households for every demo SLSP: believable, fictitious, idempotent."""

import datetime

from apps.tenants.models import Category, Household, HousingUnit, Language, Member, Tenancy

HOUSEHOLDS_PER_SLSP = 40
LAST_NAMES = [
    "Lambert",
    "Dubois",
    "Martin",
    "Leroy",
    "Renard",
    "Lejeune",
    "Collard",
    "Henrard",
    "Mathieu",
    "Bastin",
    "Gérard",
    "Denis",
    "Lemoine",
    "Pirotte",
    "Noël",
    "Jacobs",
    "Kabongo",
    "El Amrani",
    "Yilmaz",
    "Ferreira",
    "Rossi",
    "Nowak",
    "Diallo",
    "Schmitz",
]
FIRST_NAMES = [
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sandrine",
    "Fatima",
    "Aïcha",
    "Laura",
    "Julie",
    "Jean",
    "Michel",
    "Philippe",
    "Patrick",
    "Mohamed",
    "Youssef",
    "Kevin",
    "Thomas",
]
CHILDREN = ["Emma", "Louise", "Lina", "Noah", "Louis", "Adam", "Jules", "Nora", "Sofia", "Liam"]
STREETS = [
    "Rue de la Station",
    "Rue du Centre",
    "Avenue des Tilleuls",
    "Rue des Écoles",
    "Rue Haute",
    "Place communale",
    "Rue du Moulin",
    "Cité de l'Espoir",
    "Rue des Prés",
]
DISTRICTS = ["Cité du Centre", "Cité des Prés", "Quartier de la Gare", "Cité Jardin"]
POSTAL_CODES = {
    "Tournai": "7500",
    "Namur": "5000",
    "Liège": "4000",
    "Arlon": "6700",
    "Wavre": "1300",
    "Mouscron": "7700",
    "Seraing": "4100",
    "Dinant": "5500",
    "Bastogne": "6600",
    "Ottignies-Louvain-la-Neuve": "1340",
    "Ath": "7800",
    "Huy": "4500",
    "Ciney": "5590",
    "Eupen": "4700",
    "Tubize": "1480",
    "Binche": "7130",
    "Waremme": "4300",
    "Andenne": "5300",
    "Libramont-Chevigny": "6800",
    "Soignies": "7060",
}
CATEGORIES = [Category.SOCIAL] * 6 + [
    Category.MOYEN,
    Category.INSERTION,
    Category.TRANSIT,
    Category.ADAPTE,
    Category.SOCIAL_ASSIMILE,
]


def seed(ctx):
    rng = ctx.rng
    today = datetime.date.today()
    for slsp in ctx.slsps:
        if Household.objects.filter(slsp=slsp).exists():
            continue
        commune = slsp.head_office_commune or "Namur"
        units, households, tenancies, members = [], [], [], []
        for index in range(HOUSEHOLDS_PER_SLSP):
            category = CATEGORIES[index % len(CATEGORIES)]
            unit = HousingUnit(
                slsp=slsp,
                address=f"{rng.choice(STREETS)} {index + 1}",
                postal_code=POSTAL_CODES.get(commune, "5000"),
                commune=commune,
                district=DISTRICTS[index % len(DISTRICTS)],
                category=category,
            )
            last = rng.choice(LAST_NAMES)
            head = rng.choice(FIRST_NAMES)
            size = 1 + rng.randrange(4)
            household = Household(
                slsp=slsp,
                reference=f"D{slsp.pk:02d}-{index + 1:04d}",
                size=size,
                language=Language.DE if commune == "Eupen" else Language.FR,
                display_name=f"{last} {head}",
            )
            # Recent entries too, so the first-year welcome lists have something to show.
            start = today - datetime.timedelta(days=rng.randrange(20, 365 * 9))
            end = None
            if category == Category.TRANSIT:
                end = start + datetime.timedelta(days=365 * 2)
            tenancy = Tenancy(
                slsp=slsp,
                household=household,
                unit=unit,
                start_date=start,
                end_date=end,
                category=category,
                accompanied=category in (Category.TRANSIT, Category.INSERTION),
                public="sortie de maison d'accueil" if category == Category.TRANSIT else "",
            )
            members.append(
                Member(
                    slsp=slsp,
                    household=household,
                    first_name=head,
                    last_name=last,
                    birth_year=1950 + rng.randrange(50),
                    relation="titulaire",
                )
            )
            for child in range(size - 1):
                members.append(
                    Member(
                        slsp=slsp,
                        household=household,
                        first_name=CHILDREN[(index + child) % len(CHILDREN)],
                        last_name=last,
                        birth_year=2005 + rng.randrange(18),
                        relation="enfant",
                    )
                )
            units.append(unit)
            households.append(household)
            tenancies.append(tenancy)
        HousingUnit.objects.bulk_create(units)
        Household.objects.bulk_create(households)
        for tenancy in tenancies:
            tenancy.unit_id = tenancy.unit.pk
            tenancy.household_id = tenancy.household.pk
        Tenancy.objects.bulk_create(tenancies)
        for member in members:
            member.household_id = member.household.pk
        Member.objects.bulk_create(members)

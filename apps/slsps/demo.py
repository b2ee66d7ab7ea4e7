"""Demo SLSPs (clearly labelled) and demo accounts for every role."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count

from apps.accounts.models import Membership, Role, User
from apps.slsps.models import Province, ReferentPost, Slsp

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

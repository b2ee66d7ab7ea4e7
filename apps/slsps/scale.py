"""Scale dataset: 68 SLSPs, two référents each, a coordinator, jurors and référent posts."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password

from apps.accounts.models import Membership, Role, User
from apps.core.scale import SCALE_DOMAIN, copy_rows, next_id, spread
from apps.slsps.models import Province, ReferentPost, Slsp

COMMUNES = [
    ("Charleroi", "6000", Province.HAINAUT),
    ("Liège", "4000", Province.LIEGE),
    ("Namur", "5000", Province.NAMUR),
    ("Arlon", "6700", Province.LUXEMBOURG),
    ("Wavre", "1300", Province.BRABANT_WALLON),
    ("Mons", "7000", Province.HAINAUT),
    ("Seraing", "4100", Province.LIEGE),
    ("Dinant", "5500", Province.NAMUR),
    ("Bastogne", "6600", Province.LUXEMBOURG),
    ("Nivelles", "1400", Province.BRABANT_WALLON),
    ("Tournai", "7500", Province.HAINAUT),
    ("Verviers", "4800", Province.LIEGE),
    ("Andenne", "5300", Province.NAMUR),
    ("Marche-en-Famenne", "6900", Province.LUXEMBOURG),
    ("La Louvière", "7100", Province.HAINAUT),
    ("Huy", "4500", Province.LIEGE),
    ("Eupen", "4700", Province.LIEGE),
]
FIRST_NAMES = ["Claire", "Thomas", "Élodie", "Nicolas", "Aurélie", "Olivier", "Céline", "David"]
LAST_NAMES = ["Martin", "Dupont", "Lemaire", "Gilson", "Hubert", "Jacquet", "Wauters", "Piron"]


def scale_name(number: int) -> str:
    return f"SLSP d'échelle {number:02d}"


def present() -> bool:
    """Whether the scale dataset is in this database (its first SLSP is the marker)."""
    return Slsp.objects.filter(official_name=scale_name(1)).exists()


def referent_email(number: int, index: int) -> str:
    """The two référents of scale SLSP `number` (1-68): index 1 and 2."""
    return f"referent.{number:02d}-{index}@{SCALE_DOMAIN}"


COORDINATOR_EMAIL = f"coordination@{SCALE_DOMAIN}"


def juror_email(number: int) -> str:
    return f"jury.{number:02d}@{SCALE_DOMAIN}"


def seed(ctx):
    count = ctx.counts["slsps"]
    # Housing stock from 600 to 3,000 units: households are spread in proportion.
    stock = [600 + (n * 137) % 2400 for n in range(1, count + 1)]
    households = spread(ctx.counts["households"], stock)
    first = next_id(Slsp)
    rows = []
    for n in range(1, count + 1):
        commune, postal, province = COMMUNES[(n - 1) % len(COMMUNES)]
        slsp_id = first + n - 1
        rows.append(
            (
                slsp_id,
                ctx.uuid(),
                scale_name(n),
                f"Échelle {n:02d}",
                commune,
                province,
                [commune],
                stock[n - 1],
                ctx.today.year,
                True,
                ctx.now,
                ctx.now,
            )
        )
        ctx.slsps.append(
            {
                "id": slsp_id,
                "number": n,
                "commune": commune,
                "postal_code": postal,
                "households": households[n - 1],
            }
        )
    copy_rows(
        ctx,
        Slsp,
        [
            "id",
            "uuid",
            "official_name",
            "short_name",
            "head_office_commune",
            "province",
            "communes_served",
            "housing_units",
            "housing_units_year",
            "is_demo",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    _seed_people(ctx)


def _seed_people(ctx):
    # One hash for every scale account: hashing 200 passwords would cost a minute.
    password = make_password(settings.DEMO_PASSWORD)
    next_user = next_id(User)
    users, memberships, posts = [], [], []

    def add_user(email, first, last, role, slsp_id=None):
        nonlocal next_user
        user_id = next_user
        next_user += 1
        users.append(
            (user_id, password, False, ctx.uuid(), email, first, last, True, False, ctx.now)
        )
        memberships.append((user_id, role, slsp_id, ctx.now))
        return user_id

    for slsp in ctx.slsps:
        n = slsp["number"]
        ids = [
            add_user(
                referent_email(n, i),
                FIRST_NAMES[(n + i) % len(FIRST_NAMES)],
                LAST_NAMES[(n * 3 + i) % len(LAST_NAMES)],
                Role.REFERENT,
                slsp["id"],
            )
            for i in (1, 2)
        ]
        ctx.referents[slsp["id"]] = ids
        start = datetime.date(ctx.today.year - 6, 1 + n % 12, 1)
        for index, user_id in enumerate(ids):
            posts.append(
                (
                    ctx.uuid(),
                    slsp["id"],
                    user_id,
                    Decimal("1.00") if index == 0 else Decimal("0.50"),
                    Decimal("36000.00") if index == 0 else Decimal("18000.00"),
                    start,
                    None,
                )
            )
    ctx.users["coordinator"] = [
        add_user(COORDINATOR_EMAIL, "Isabelle", "Collard", Role.COORDINATEUR)
    ]
    jurors = ctx.counts["calls"] * ctx.counts["jurors_per_call"]
    ctx.users["jurors"] = [
        add_user(juror_email(n), "Juré", f"n° {n:02d}", Role.JURY) for n in range(1, jurors + 1)
    ]
    copy_rows(
        ctx,
        User,
        [
            "id",
            "password",
            "is_superuser",
            "uuid",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        users,
    )
    copy_rows(ctx, Membership, ["user", "role", "slsp", "created_at"], memberships)
    copy_rows(
        ctx,
        ReferentPost,
        ["uuid", "slsp", "person", "fte", "annual_funding", "start_date", "end_date"],
        posts,
    )

"""Scale dataset: 100,000 households with their units, tenancies and members.

Per-household attributes come from `mix(index, salt)` (a cheap integer hash), not from
the shared RNG, so the four COPY passes (units, households, tenancies, members) agree
on each household without keeping anything in memory. Household ids are contiguous
per SLSP: the apps above receive `ctx.extra["households"][slsp_id] = (first_id, count)`.
"""

import datetime

from apps.core.scale import copy_rows, next_id
from apps.tenants import demo
from apps.tenants.models import Category, Household, HousingUnit, Language, Member, Tenancy
from apps.tenants.services import rebuild_last_tenancies

# The demo's names and streets, with a few more so that 100,000 households vary more.
LAST_NAMES = [
    *demo.LAST_NAMES,
    "Dumont",
    "Leclercq",
    "Wathelet",
    "Bertrand",
    "Hansen",
    "Moreau",
    "Fontaine",
    "Lefèvre",
]
FIRST_NAMES = demo.FIRST_NAMES
CHILDREN = demo.CHILDREN
STREETS = [*demo.STREETS, "Avenue de la Paix", "Rue des Alouettes"]
CATEGORIES = [Category.SOCIAL] * 12 + [
    Category.MOYEN,
    Category.INSERTION,
    Category.TRANSIT,
    Category.ADAPTE,
    Category.SOCIAL_ASSIMILE,
]
HOUSEHOLDS_PER_DISTRICT = 60
PREVIOUS_TENANCY_EVERY = 10  # one household in ten moved in from another unit


def mix(index: int, salt: int = 0) -> int:
    """A deterministic pseudo-random non-negative integer for (index, salt)."""
    x = (index * 0x9E3779B1 + salt * 0x85EBCA77 + 0x27D4EB2F) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 12
    return x


def household_facts(ctx, global_index: int, local_index: int) -> dict:
    i = global_index
    size = 1 + mix(i, 1) % 4
    category = CATEGORIES[mix(i, 2) % len(CATEGORIES)]
    start = ctx.today - datetime.timedelta(days=20 + mix(i, 3) % (365 * 15))
    end = start + datetime.timedelta(days=730) if category == Category.TRANSIT else None
    return {
        "size": size,
        "category": category,
        "start": start,
        "end": end,
        "last": LAST_NAMES[mix(i, 4) % len(LAST_NAMES)],
        "first": FIRST_NAMES[mix(i, 5) % len(FIRST_NAMES)],
        "moved": local_index % PREVIOUS_TENANCY_EVERY == 3,
    }


def _districts(count: int) -> int:
    return max(1, count // HOUSEHOLDS_PER_DISTRICT)


def seed(ctx):
    first_household = next_id(Household)
    first_unit = next_id(HousingUnit)
    ranges, offset = {}, 0
    unit_ranges, unit_offset = {}, 0
    for slsp in ctx.slsps:
        n = slsp["households"]
        ranges[slsp["id"]] = (first_household + offset, n)
        # One unit per household, plus the units left by those who moved.
        units = n + n // PREVIOUS_TENANCY_EVERY + 1
        unit_ranges[slsp["id"]] = (first_unit + unit_offset, units)
        offset += n
        unit_offset += units
    ctx.extra["households"] = ranges
    ctx.extra["household_base"] = first_household
    total = offset

    def each():
        """(slsp, household_id, global index, local index) for every household."""
        for slsp in ctx.slsps:
            start, n = ranges[slsp["id"]]
            for local in range(n):
                yield slsp, start + local, start + local - first_household, local

    def units():
        for slsp in ctx.slsps:
            start, n = unit_ranges[slsp["id"]]
            districts = _districts(slsp["households"])
            for local in range(n):
                g = start - first_unit + local
                yield (
                    start + local,
                    ctx.uuid(),
                    slsp["id"],
                    f"{STREETS[local % len(STREETS)]} {local // len(STREETS) + 1}",
                    slsp["postal_code"],
                    slsp["commune"],
                    f"Cité {1 + local % districts:02d}",
                    CATEGORIES[mix(g, 2) % len(CATEGORIES)],
                )

    copy_rows(
        ctx,
        HousingUnit,
        ["id", "uuid", "slsp", "address", "postal_code", "commune", "district", "category"],
        units(),
        total=sum(n for _, n in unit_ranges.values()),
    )

    def households():
        for slsp, household_id, g, local in each():
            f = household_facts(ctx, g, local)
            yield (
                household_id,
                ctx.uuid(),
                slsp["id"],
                f"E{slsp['number']:02d}-{local + 1:06d}",
                f["size"],
                Language.DE if slsp["commune"] == "Eupen" else Language.FR,
                f"{f['last']} {f['first']}",
                ctx.now,
                ctx.now,
            )

    copy_rows(
        ctx,
        Household,
        [
            "id",
            "uuid",
            "slsp",
            "reference",
            "size",
            "language",
            "display_name",
            "created_at",
            "updated_at",
        ],
        households(),
        total=total,
    )

    def tenancies():
        for slsp, household_id, g, local in each():
            f = household_facts(ctx, g, local)
            unit_start, n_units = unit_ranges[slsp["id"]]
            if f["moved"]:
                before = f["start"] - datetime.timedelta(days=1500 + mix(g, 6) % 2000)
                yield (
                    ctx.uuid(),
                    slsp["id"],
                    household_id,
                    unit_start + slsp["households"] + local // PREVIOUS_TENANCY_EVERY,
                    before,
                    f["start"] - datetime.timedelta(days=1),
                    Category.SOCIAL,
                    False,
                    "",
                )
            yield (
                ctx.uuid(),
                slsp["id"],
                household_id,
                unit_start + local,
                f["start"],
                f["end"],
                f["category"],
                f["category"] in (Category.TRANSIT, Category.INSERTION),
                "sortie de maison d'accueil" if f["category"] == Category.TRANSIT else "",
            )

    copy_rows(
        ctx,
        Tenancy,
        [
            "uuid",
            "slsp",
            "household",
            "unit",
            "start_date",
            "end_date",
            "category",
            "accompanied",
            "public",
        ],
        tenancies(),
        total=total + total // PREVIOUS_TENANCY_EVERY,
    )
    # COPY ran with triggers off: fill each household's latest tenancy in one pass.
    rebuild_last_tenancies()

    def members():
        for slsp, household_id, g, local in each():
            f = household_facts(ctx, g, local)
            yield (
                ctx.uuid(),
                slsp["id"],
                household_id,
                f["first"],
                f["last"],
                1950 + mix(g, 7) % 50,
                "titulaire",
            )
            for child in range(f["size"] - 1):
                yield (
                    ctx.uuid(),
                    slsp["id"],
                    household_id,
                    CHILDREN[(mix(g, 8) + child) % len(CHILDREN)],
                    f["last"],
                    2005 + mix(g, 9 + child) % 18,
                    "enfant",
                )

    copy_rows(
        ctx,
        Member,
        ["uuid", "slsp", "household", "first_name", "last_name", "birth_year", "relation"],
        members(),
        total=int(total * 2.5),
    )

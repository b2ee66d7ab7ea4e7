"""Reads of the tenants app: one visibility function per core model."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accounts.models import User
from apps.core.periods import Semester
from apps.tenants.models import (
    Category,
    Household,
    ImportChange,
    ImportJob,
    LastTenancy,
    Member,
    Tenancy,
    unit_label,
)


def households_for(user: User) -> QuerySet[Household]:
    """Households of the SLSPs where the user works (référent, accompagnateur, direction)."""
    if not user.is_authenticated or not user.slsp_ids():
        return Household.objects.none()
    return Household.objects.filter(slsp_id__in=user.slsp_ids())


def household_rows(user: User) -> QuerySet[Household]:
    """Households with their latest tenancy (LastTenancy, kept by triggers): what the
    list shows as one JSON row, read for the shown page only, and the start date it
    may be sorted by."""
    today = timezone.localdate()
    latest = LastTenancy.objects.filter(household=OuterRef("pk"))
    shown = JSONObject(
        address="unit__address",
        commune="unit__commune",
        district="unit__district",
        category="category",
        ended=ExpressionWrapper(Q(end_date__lt=today), output_field=BooleanField()),
    )
    return households_for(user).annotate(
        tenancy=Subquery(latest.values(row=shown)),
        start_date=Subquery(latest.values("start_date")),
    )


# The household page reads its members and tenancies as plain rows in queries of their
# own: folded into the household's query as JSON arrays they cost more to compile
# (about 2 and 3 ms) than a separate query costs in all (1.0 and 1.5 ms).


def member_rows(household: Household) -> list[Mapping[str, Any]]:
    """Current members first; those who left stay listed with the date they left."""
    return list(
        Member.objects.filter(household=household)
        .order_by(F("left_on").desc(nulls_first=True), "pk")
        .values("first_name", "last_name", "birth_year", "relation", "left_on")
    )


def tenancy_rows(household: Household) -> list[dict[str, Any]]:
    """The household's tenancies (newest first) as the page shows them: the unit named
    as its str() names it, the category by its label."""
    labels = dict(Category.choices)
    rows = (
        Tenancy.objects.filter(household=household)
        .order_by("-start_date")
        .values(
            "unit__address",
            "unit__postal_code",
            "unit__commune",
            "unit__district",
            "category",
            "start_date",
            "end_date",
            "accompanied",
            "public",
        )
    )
    return [
        {
            "unit": unit_label(
                row["unit__address"], row["unit__postal_code"], row["unit__commune"]
            ),
            "district": row["unit__district"],
            "category_label": labels.get(row["category"], row["category"]),
            "start_date": row["start_date"],
            "end_date": row["end_date"],
            "accompanied": row["accompanied"],
            "public": row["public"],
        }
        for row in rows
    ]


def districts_for(user: User) -> list[str]:
    from apps.tenants.models import HousingUnit

    return list(
        HousingUnit.objects.filter(slsp_id__in=user.slsp_ids())
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def import_jobs_for(user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(slsp_id__in=user.slsp_ids(roles={"referent"}))


def import_changes(job: ImportJob) -> QuerySet[ImportChange]:
    """The change history of an applied import (the job is already checked visible)."""
    return ImportChange.objects.filter(job=job, slsp_id=job.slsp_id).order_by("pk")


# --- Semester figures (published in apps.tenants.apps through the core registry) ---


def new_households_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Households whose tenancy began during the semester (a household once, however
    many tenancies it began)."""
    with scopes_disabled():
        rows = (
            Tenancy.objects.filter(
                slsp_id__in=list(slsp_ids),
                start_date__gte=semester.start,
                start_date__lte=semester.end,
            )
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("household", distinct=True))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def person_names(slsp_id: int) -> list[str]:
    """Every household display name and member first and last name of one SLSP: what a
    text released outside the SLSP must not contain (two queries, names only)."""
    names = list(
        Household.objects.filter(slsp_id=slsp_id)
        .exclude(display_name="")
        .values_list("display_name", flat=True)
    )
    for first, last in Member.objects.filter(slsp_id=slsp_id).values_list(
        "first_name", "last_name"
    ):
        names += [first, last]
    return names

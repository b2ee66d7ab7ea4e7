"""Reads of the tenants app: one visibility function per core model."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, CharField, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import JSONObject
from django.utils import timezone

from apps.tenants.models import Category, Household, ImportJob, Member, Tenancy


def households_for(user):
    """Households of the SLSPs where the user works (référent, accompagnateur, direction)."""
    if not user.is_authenticated or not user.slsp_ids():
        return Household.objects.none()
    return Household.objects.filter(slsp_id__in=user.slsp_ids())


def household_rows(user):
    """Households with their current (or last) tenancy, in one query for the list."""
    today = timezone.localdate()
    last = Tenancy.objects.filter(household=OuterRef("pk")).order_by("-start_date")
    current = last.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    rows = households_for(user).annotate(
        address=Subquery(last.values("unit__address")[:1]),
        commune=Subquery(last.values("unit__commune")[:1]),
        district=Subquery(last.values("unit__district")[:1]),
        category=Subquery(last.values("category")[:1]),
        start_date=Subquery(last.values("start_date")[:1]),
        current_start=Subquery(current.values("start_date")[:1]),
    )
    # The label in the request's language, computed by the database.
    return rows.annotate(
        category_label=Case(
            *[When(category=value, then=Value(str(label))) for value, label in Category.choices],
            default=Value(""),
            output_field=CharField(),
        )
    )


def last_tenancies():
    """Each household's latest tenancy (by start date): what the list shows and filters.

    Filters go through `pk__in=last_tenancies()...values("household_id")`, an
    uncorrelated subquery PostgreSQL runs once, instead of filtering on the list's
    per-row annotations (one subquery per household: 3,000 of them in a large SLSP).
    """
    later = Tenancy.objects.filter(
        household=OuterRef("household"), start_date__gt=OuterRef("start_date")
    )
    return Tenancy.objects.filter(~Exists(later))


def tenancies_of(household):
    return Tenancy.objects.filter(household=household).select_related("unit")


def with_member_rows(households):
    """Each household's members as plain rows (first_name, last_name, birth_year,
    relation), read in the household's own query: one query fewer on its page."""
    members = (
        Member.objects.filter(household=OuterRef("pk"))
        .order_by("pk")
        .values(
            row=JSONObject(
                first_name="first_name",
                last_name="last_name",
                birth_year="birth_year",
                relation="relation",
            )
        )
    )
    return households.annotate(member_rows=ArraySubquery(members))


def districts_for(user) -> list[str]:
    from apps.tenants.models import HousingUnit

    return list(
        HousingUnit.objects.filter(slsp_id__in=user.slsp_ids())
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def import_jobs_for(user):
    return ImportJob.objects.filter(slsp_id__in=user.slsp_ids(roles={"referent"}))

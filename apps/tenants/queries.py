"""Reads of the tenants app: one visibility function per core model."""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from apps.tenants.models import (
    Category,
    Household,
    ImportJob,
    LastTenancy,
    Member,
    Tenancy,
    unit_label,
)


def households_for(user):
    """Households of the SLSPs where the user works (référent, accompagnateur, direction)."""
    if not user.is_authenticated or not user.slsp_ids():
        return Household.objects.none()
    return Household.objects.filter(slsp_id__in=user.slsp_ids())


def household_rows(user):
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


def with_tenancy_rows(households):
    """Each household's tenancies (newest first) as JSON rows read in the household's own
    query: one query fewer on its page. `tenancy_rows()` turns them into display rows."""
    tenancies = (
        Tenancy.objects.filter(household=OuterRef("pk"))
        .order_by("-start_date")
        .values(
            row=JSONObject(
                address="unit__address",
                postal_code="unit__postal_code",
                commune="unit__commune",
                district="unit__district",
                category="category",
                start_date="start_date",
                end_date="end_date",
                accompanied="accompanied",
                public="public",
            )
        )
    )
    return households.annotate(tenancy_rows=ArraySubquery(tenancies))


def tenancy_rows(household) -> list[dict]:
    """The rows of with_tenancy_rows() as the page shows them: the unit named as its
    str() names it, dates as dates, the category by its label."""
    labels = dict(Category.choices)
    return [
        {
            "unit": unit_label(row["address"], row["postal_code"], row["commune"]),
            "district": row["district"],
            "category_label": labels.get(row["category"], row["category"]),
            "start_date": datetime.date.fromisoformat(row["start_date"]),
            "end_date": row["end_date"] and datetime.date.fromisoformat(row["end_date"]),
            "accompanied": row["accompanied"],
            "public": row["public"],
        }
        for row in household.tenancy_rows
    ]


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

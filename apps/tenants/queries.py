"""Reads of the tenants app: one visibility function per core model."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from apps.tenants.models import Household, ImportJob, LastTenancy, Member, Tenancy


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

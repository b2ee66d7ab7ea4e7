"""What the header's search finds among households, their members and units, and the
household list's search: the same matching (apps/core/search.py) over the rows of
`queries.households_for`, the one visibility rule of households."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts.models import User
from apps.core.registry import SearchHit
from apps.core.search import compact_matches, rank, text_matches
from apps.tenants.models import HousingUnit, LastTenancy, Member, unit_label
from apps.tenants.queries import households_for


def _household_condition(query: str) -> Q:
    return text_matches("search_text", query) | compact_matches("reference_compact", query)


def _unit_condition(query: str) -> Q:
    return text_matches("search_text", query) | compact_matches("address_compact", query)


def filter_households(queryset: QuerySet, query: str) -> QuerySet:
    """The household list's search: the name or reference, a member's name or the
    current unit's address. Members and units are read through uncorrelated `pk__in`
    subqueries from scoped managers (the request's SLSPs only)."""
    members = Member.objects.filter(text_matches("search_text", query))
    at_address = LastTenancy.objects.filter(
        unit__in=HousingUnit.objects.filter(_unit_condition(query))
    )
    return queryset.filter(
        _household_condition(query)
        | Q(pk__in=at_address.values("household_id"))
        | Q(pk__in=members.values("household_id"))
    )


def _household_url(uuid: object) -> str:
    return reverse("tenants:household", kwargs={"uuid": uuid})


def search_households(user: User, query: str, limit: int) -> list[SearchHit]:
    rows = (
        households_for(user)
        .filter(_household_condition(query))
        .annotate(score=rank("search_text", query))
        .order_by("-score", "display_name", "reference")
        .values("uuid", "display_name", "reference")[:limit]
    )
    return [
        SearchHit(
            row["display_name"] or row["reference"], _household_url(row["uuid"]), row["reference"]
        )
        for row in rows
    ]


def search_members(user: User, query: str, limit: int) -> list[SearchHit]:
    rows = (
        Member.objects.filter(household__in=households_for(user))
        .filter(text_matches("search_text", query))
        .annotate(score=rank("search_text", query))
        .order_by("-score", "last_name", "first_name", "pk")
        .values(
            "first_name",
            "last_name",
            "household__uuid",
            "household__display_name",
            "household__reference",
        )[:limit]
    )
    return [
        SearchHit(
            f"{row['first_name']} {row['last_name']}",
            _household_url(row["household__uuid"]),
            row["household__display_name"] or row["household__reference"],
        )
        for row in rows
    ]


def search_units(user: User, query: str, limit: int) -> list[SearchHit]:
    """Units by address, each leading to the household that lives there now (its latest
    tenancy): a unit has no page of its own. The matching units are a subquery of their
    own, limited (the scoped manager: the request's SLSPs only): joined to the households
    instead, the planner checked the address of every household's unit one by one."""
    unit_ids = (
        HousingUnit.objects.filter(_unit_condition(query))
        .order_by("address", "postal_code", "pk")
        .values("pk")[: limit * 3]
    )
    rows = (
        LastTenancy.objects.filter(unit__in=unit_ids, household__in=households_for(user))
        .order_by("unit__address", "unit__postal_code")
        .values(
            "unit__address",
            "unit__postal_code",
            "unit__commune",
            "household__uuid",
            "household__display_name",
            "household__reference",
        )[:limit]
    )
    return [
        SearchHit(
            unit_label(row["unit__address"], row["unit__postal_code"], row["unit__commune"]),
            _household_url(row["household__uuid"]),
            row["household__display_name"] or row["household__reference"],
        )
        for row in rows
    ]


def households_list_url(query: str) -> str:
    return f"{reverse('tenants:households')}?{urlencode({'q': query})}"

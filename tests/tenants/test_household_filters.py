"""The household list's filters read the latest tenancy through subqueries run once
(bench/RESULTS.md: filtering on the per-row annotations cost a subquery per household).
They must keep meaning exactly what the list shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.tenants.models import Category
from tests.tenants.factories import (
    HouseholdFactory,
    HousingUnitFactory,
    MemberFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db


def moved_household(slsp, n=1):
    """A household that left a transit unit in 'Cité Ancienne' for a social one."""
    with scopes_disabled():
        household = HouseholdFactory(slsp=slsp, display_name="Ménage Déménagé")
        TenancyFactory(
            slsp=slsp,
            household=household,
            unit=HousingUnitFactory(
                slsp=slsp, address=f"Rue Ancienne {n}", district="Cité Ancienne"
            ),
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2019, 12, 31),
            category=Category.TRANSIT,
        )
        TenancyFactory(
            slsp=slsp,
            household=household,
            unit=HousingUnitFactory(slsp=slsp, address=f"Rue Nouvelle {n}", district="Cité Neuve"),
            start_date=datetime.date(2020, 1, 1),
            category=Category.SOCIAL,
        )
        MemberFactory(slsp=slsp, household=household, first_name="Zélie", last_name="Quenon")
    return household


def listed(client, **params):
    response = client.get(reverse("tenants:households"), params)
    assert response.status_code == 200
    return [h.pk for h in response.context["page"]]


def test_filters_follow_the_latest_tenancy_as_the_list_shows_it(client_for, world):
    household = moved_household(world.slsp_a)
    client = client_for("referent_a")
    assert listed(client, q="nouvelle") == [household.pk]
    assert listed(client, q="Rue Ancienne") == []  # a former address is not the address
    assert listed(client, category=Category.SOCIAL) == [household.pk]
    assert listed(client, category=Category.TRANSIT) == []
    assert listed(client, district="Cité Neuve") == [household.pk]
    assert listed(client, q="quenon", category=Category.SOCIAL) == [household.pk]
    assert listed(client, q="zélie", district="Cité Ancienne") == []


def test_search_never_reaches_another_slsps_units_or_members(client_for, world):
    moved_household(world.slsp_b)
    client = client_for("referent_a")
    for term in ("Nouvelle", "Quenon", "Déménagé"):
        assert listed(client, q=term) == [], term


def test_filtered_list_costs_the_same_queries_for_1_and_3_matches(client_for, world):
    client = client_for("referent_a")
    url = reverse("tenants:households") + "?q=Rue&category=social&district=Cité+Neuve"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    moved_household(world.slsp_a)
    one = count()
    moved_household(world.slsp_a, 2)
    moved_household(world.slsp_a, 3)
    assert len(listed(client, q="Rue", category="social", district="Cité Neuve")) == 3
    assert count() == one


def test_search_keys_match_like_a_case_insensitive_search(client_for, world):
    """The stored folded search text (generated columns) finds what icontains found."""
    household = moved_household(world.slsp_a)
    with scopes_disabled():
        other = HouseholdFactory(slsp=world.slsp_a, reference="REF-42%", display_name="Ménage B")
    client = client_for("referent_a")
    for term in ("zÉLIE", "QUENON", "ménage déménagé", "déMÉNAGÉ", "rue nouvelle 1", " quenon "):
        assert listed(client, q=term) == [household.pk], term
    assert listed(client, q="ref-42") == [other.pk]
    # Wildcards in the term are plain characters.
    assert listed(client, q="%") == [other.pk]
    assert listed(client, q="_") == []
    # The key follows the name when it changes (an erasure, a correction).
    with scopes_disabled():
        member = household.members.get()
        member.last_name = "Anonyme"
        member.save()
    assert listed(client, q="quenon") == []
    assert listed(client, q="anonyme") == [household.pk]

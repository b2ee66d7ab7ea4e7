"""The header's search and the household list's search: any word order, no accents,
small typos, references written differently; grouped by kind; only the user's scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.collective import services as collective_services
from apps.collective.models import CollectiveKind
from apps.core.registry import registry
from tests.referrals.factories import make_referral, referral_setup
from tests.tenants.factories import (
    HouseholdFactory,
    HousingUnitFactory,
    MemberFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("core:search")


def make_mathieu(slsp, n=0, reference="ARL-00123"):
    """The household 'Mathieu Laura' (a member Laura Mathieu) at Rue de l'Église 12B."""
    with scopes_disabled():
        household = HouseholdFactory(
            slsp=slsp, display_name=f"Mathieu Laura{' ' * bool(n)}{n or ''}", reference=reference
        )
        TenancyFactory(
            slsp=slsp,
            household=household,
            unit=HousingUnitFactory(
                slsp=slsp, address=f"Rue de l'Église {12 + n}B", postal_code="6700", commune="Arlon"
            ),
            start_date=datetime.date(2020, 1, 1),
        )
        MemberFactory(slsp=slsp, household=household, first_name="Laura", last_name="Mathieu")
    return household


def listed(client, q):
    response = client.get(reverse("tenants:households"), {"q": q})
    assert response.status_code == 200
    return [h.pk for h in response.context["page"]]


def groups(client, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    return {g["key"]: [hit.title for hit in g["hits"]] for g in response.context["groups"]}


@pytest.mark.parametrize(
    "term",
    [
        "Mathieu Laura",
        "Laura Mathieu",  # first name first
        "laura mathiew",  # a typo (in the word looked up in the index)
        "lauro mathieu",  # a typo in a word checked on the candidates only
        "MATHIEU",
        "Mathïeu  Laurà",  # accents and spaces that the name does not have
        "arl-00123",
        "ARL 123",  # the reference without its dash and leading zeros
        "arl0123",
        "rue de l'eglise 12 b",  # the address written differently
        "eglise arlon",
    ],
)
def test_household_list_finds_the_household_however_it_is_typed(client_for, world, term):
    household = make_mathieu(world.slsp_a)
    assert listed(client_for("referent_a"), term) == [household.pk]


def test_household_list_search_stays_precise(client_for, world):
    make_mathieu(world.slsp_a)
    client = client_for("referent_a")
    for term in ("Laura Dupont", "ARL-00124", "Mathieu Rue Nouvelle", "zzz"):
        assert listed(client, term) == [], term


@pytest.fixture
def everything(world):
    """One of each kind in SLSP A, all named after 'Mathieu', and their twins in SLSP B."""
    made = {}
    for key, slsp, user in (
        ("a", world.slsp_a, world.users["referent_a"]),
        ("b", world.slsp_b, world.users["referent_b"]),
    ):
        household = make_mathieu(slsp, reference=f"ARL-00123-{key}")
        setup = referral_setup(slsp, user, household=household, name=f"CPAS d'Arlon {key}")
        with scopes_disabled():
            make_referral(setup, user)
            collective_services.create_action(
                slsp,
                user,
                kind=CollectiveKind.FETE_VOISINS,
                title=f"Fête chez Mathieu {key}",
                objective="Se rencontrer",
                start_date=datetime.date.today() - datetime.timedelta(days=30),
                end_date=None,
                district="Cité de l'Église",
            )
        made[key] = household
    return made


def test_header_search_finds_every_kind_grouped_in_any_word_order(client_for, everything):
    client = client_for("referent_a")
    found = groups(client, "laura mathiew")
    assert found["households"] == ["Mathieu Laura"]
    assert found["members"] == ["Laura Mathieu"]
    assert found["referrals"] == ["Mathieu Laura → CPAS d'Arlon a"]
    assert groups(client, "eglise 12 b arlon")["units"] == ["Rue de l'Église 12B, 6700 Arlon"]
    assert groups(client, "arlon cpas")["partners"] == ["CPAS d'Arlon a", "CPAS d'Arlon b"]
    assert groups(client, "fete mathieu")["collective_actions"] == ["Fête chez Mathieu a"]
    # Each result leads to its page.
    response = client.get(SEARCH, {"q": "Laura Mathieu"})
    assert reverse("tenants:household", kwargs={"uuid": everything["a"].uuid}) in (
        response.content.decode()
    )
    assert 'id="search-households"' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "kinds"),
    [
        ("referent_b", {"households", "members", "units", "referrals", "partners"}),
        ("coordinateur", {"partners"}),
        ("jury", set()),
        ("admin", {"partners"}),
    ],
)
def test_header_search_shows_nothing_outside_the_users_scope(
    client_for, everything, persona, kinds
):
    found = groups(client_for(persona), "Mathieu Laura")
    found.update(groups(client_for(persona), "cpas arlon"))
    found.update(groups(client_for(persona), "fete chez mathieu"))
    assert set(found) <= kinds | {"collective_actions"}
    for titles in found.values():
        assert all(not title.endswith(" a") for title in titles if "CPAS" not in title), titles
    if persona == "referent_b":
        assert found["referrals"] == ["Mathieu Laura → CPAS d'Arlon b"]
        assert found["collective_actions"] == ["Fête chez Mathieu b"]
    else:
        assert "collective_actions" not in found and "households" not in found


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(SEARCH, {"q": "Mathieu"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("a", "Tapez au moins deux lettres ou chiffres."),
        ("- . -", "Tapez au moins deux lettres ou chiffres."),
    ],
)
def test_too_short_a_query_says_so_and_keeps_what_was_typed(client_for, world, typed, message):
    response = client_for("referent_a").get(SEARCH, {"q": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{typed}"' in page
    assert response.context["groups"] == []


@pytest.mark.parametrize("typed", ["%_\\", "x" * 500, "' OR 1=1 --", "Mathieu " * 20, "\u00a0"])
def test_odd_queries_never_fail(client_for, everything, typed):
    response = client_for("referent_a").get(SEARCH, {"q": typed})
    assert response.status_code == 200
    assert len(response.context["query"]) <= 100


def test_wildcards_are_plain_characters(client_for, world):
    with scopes_disabled():
        HouseholdFactory(slsp=world.slsp_a, display_name="Cent pour cent", reference="R-1")
        percent = HouseholdFactory(slsp=world.slsp_a, display_name="Cent %", reference="R-2")
    assert listed(client_for("referent_a"), "t %") == [percent.pk]


def test_search_costs_the_same_queries_for_1_and_3_matches(client_for, world):
    client = client_for("referent_a")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(SEARCH, {"q": "Laura Mathieu"}).status_code == 200
        return len(ctx)

    make_mathieu(world.slsp_a)
    one = count()
    make_mathieu(world.slsp_a, 1, reference="ARL-2")
    make_mathieu(world.slsp_a, 2, reference="ARL-3")
    assert len(groups(client, "Laura Mathieu")["households"]) == 3
    assert count() == one
    # One query per kind at most, besides the session and user.
    assert one <= len(registry.search_providers) + 6


def test_the_header_has_the_search_box_on_every_page(client_for, world):
    page = client_for("referent_a").get(reverse("core:home")).content.decode()
    assert f'action="{SEARCH}"' in page
    assert 'role="search"' in page


def test_many_matches_link_to_the_full_household_list(client_for, world):
    for n in range(10):
        make_mathieu(world.slsp_a, n + 1, reference=f"ARL-9{n}")
    response = client_for("referent_a").get(SEARCH, {"q": "mathieu"})
    group = next(g for g in response.context["groups"] if g["key"] == "households")
    assert len(group["hits"]) == 8
    assert group["more_url"] == reverse("tenants:households") + "?q=mathieu"

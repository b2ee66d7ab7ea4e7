"""Renovation works in the application: the direction and the référent create, edit and
close works and attach units; the relocation work list and follow-ups use them."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import queries as accompaniment_queries
from apps.tenants.models import RenovationWorks, WorksKind
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _create(client, **overrides):
    data = {
        "name": "Rénovation Cité des Tests",
        "kind": WorksKind.ENERGY,
        "district": "",
        "start_date": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "end_date": "",
    }
    data.update(overrides)
    return client.post(reverse("tenants:works_create"), data)


def _unit_of(household):
    with scopes_disabled():
        return household.tenancies.get().unit


def test_relocation_list_is_fed_by_works_made_in_the_application(client_for, world):
    """Works existed only in the admin: the relocation list was always empty."""
    with scopes_disabled():
        household = make_household(world.slsp_a)
        make_household(world.slsp_a)  # another unit, not in the works
    unit = _unit_of(household)
    client = client_for("referent_a")
    lists = reverse("accompaniment:work_lists")
    assert household.reference not in client.get(lists).content.decode()

    response = _create(client)
    assert response.status_code == 302
    with scopes_disabled():
        works = RenovationWorks.objects.get()
    detail = reverse("tenants:works_detail", kwargs={"uuid": works.uuid})
    found = client.get(detail, {"q": unit.address.lower()}).content.decode()
    assert unit.address in found
    response = client.post(
        reverse("tenants:works_attach", kwargs={"uuid": works.uuid}), {"unit": [str(unit.uuid)]}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert list(works.units.all()) == [unit]

    html = client.get(lists).content.decode()
    assert "Rénovation Cité des Tests" in html
    assert str(household) in html
    # Only the attached unit's household.
    with scope(slsp=[world.slsp_a.pk]):
        assert list(accompaniment_queries.households_in_works(world.users["referent_a"])) == [
            household
        ]
    # The follow-up form offers the works.
    form = client.get(
        reverse("accompaniment:follow_up_form", kwargs={"uuid": household.uuid})
    ).content.decode()
    assert "Rénovation Cité des Tests" in form

    # Closed works leave the relocation list.
    close = reverse("tenants:works_close", kwargs={"uuid": works.uuid})
    assert "Ce que cette action va faire" in client.get(close).content.decode()
    assert client.post(close, {"end_date": TODAY.isoformat()}).status_code == 302
    # Ended yesterday: out of the list (an end date today still counts as ongoing).
    with scopes_disabled():
        RenovationWorks.objects.filter(pk=works.pk).update(
            end_date=TODAY - datetime.timedelta(days=1)
        )
    assert "Rénovation Cité des Tests" not in client.get(lists).content.decode()


def test_direction_manages_works_accompagnateur_does_not(client_for, world):
    assert _create(client_for("direction_a"), name="Chantier direction").status_code == 302
    assert client_for("accompagnateur_a").get(reverse("tenants:works")).status_code == 404
    assert _create(client_for("accompagnateur_a"), name="Refusé").status_code == 404
    with scopes_disabled():
        assert list(RenovationWorks.objects.values_list("name", flat=True)) == [
            "Chantier direction"
        ]


def test_other_slsp_gets_404_on_every_works_page(client_for, world):
    with scopes_disabled():
        works = RenovationWorks.objects.create(
            slsp=world.slsp_a, name="A", kind=WorksKind.PEI, start_date=TODAY
        )
        unit = _unit_of(make_household(world.slsp_a))
        works.units.add(unit)
    client = client_for("referent_b")
    kw = {"uuid": works.uuid}
    assert client.get(reverse("tenants:works_detail", kwargs=kw)).status_code == 404
    assert client.get(reverse("tenants:works_edit", kwargs=kw)).status_code == 404
    assert client.post(reverse("tenants:works_close", kwargs=kw)).status_code == 404
    assert (
        client.post(
            reverse("tenants:works_detach", kwargs={"uuid": works.uuid, "unit": unit.uuid})
        ).status_code
        == 404
    )
    assert "A" not in [w.name for w in client.get(reverse("tenants:works")).context["ongoing"]]


def test_unit_of_another_slsp_cannot_be_attached(client_for, world):
    with scopes_disabled():
        works = RenovationWorks.objects.create(
            slsp=world.slsp_a, name="A", kind=WorksKind.PEI, start_date=TODAY
        )
        foreign = _unit_of(make_household(world.slsp_b))
    client = client_for("referent_a")
    client.post(
        reverse("tenants:works_attach", kwargs={"uuid": works.uuid}), {"unit": [str(foreign.uuid)]}
    )
    with scopes_disabled():
        assert not works.units.exists()
    # Nor found by the search.
    html = client.get(
        reverse("tenants:works_detail", kwargs={"uuid": works.uuid}), {"q": foreign.address}
    ).content.decode()
    assert "Aucun logement trouvé" in html


def test_bad_dates_are_refused_with_what_was_typed_kept(client_for, world):
    client = client_for("referent_a")
    response = _create(
        client,
        name="Chantier mal daté",
        start_date="0001-01-01",
        end_date="9999-12-31",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Date impossible" in html
    assert "Chantier mal daté" in html
    response = _create(client, name="Inversé", start_date="2026-05-01", end_date="2026-01-01")
    assert "ne peut pas précéder" in response.content.decode()
    response = _create(client, name="x" * 201)
    assert response.status_code == 200
    with scopes_disabled():
        assert not RenovationWorks.objects.exists()


def test_edit_keeps_typed_values_on_error_and_saves(client_for, world):
    with scopes_disabled():
        works = RenovationWorks.objects.create(
            slsp=world.slsp_a, name="Avant", kind=WorksKind.PEI, start_date=TODAY
        )
    client = client_for("referent_a")
    url = reverse("tenants:works_edit", kwargs={"uuid": works.uuid})
    assert "Avant" in client.get(url).content.decode()
    data = {"name": "Après", "kind": WorksKind.SAFETY, "start_date": TODAY.isoformat()}
    assert client.post(url, {**data, "end_date": "2000-01-01"}).status_code == 200
    assert client.post(url, data).status_code == 302
    with scopes_disabled():
        works.refresh_from_db()
    assert (works.name, works.kind) == ("Après", WorksKind.SAFETY)


def test_closing_in_the_future_is_refused(client_for, world):
    with scopes_disabled():
        works = RenovationWorks.objects.create(
            slsp=world.slsp_a, name="A", kind=WorksKind.PEI, start_date=TODAY
        )
    client = client_for("direction_a")
    url = reverse("tenants:works_close", kwargs={"uuid": works.uuid})
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"end_date": future})
    assert response.status_code == 200
    assert future in response.content.decode()
    with scopes_disabled():
        works.refresh_from_db()
    assert works.end_date is None


def test_works_pages_query_count_does_not_grow(client_for, world, django_assert_max_num_queries):
    client = client_for("referent_a")
    with scopes_disabled():
        works = RenovationWorks.objects.create(
            slsp=world.slsp_a, name="A", kind=WorksKind.PEI, start_date=TODAY
        )
        works.units.add(_unit_of(make_household(world.slsp_a)))
    detail = reverse("tenants:works_detail", kwargs={"uuid": works.uuid})
    listing = reverse("tenants:works")
    client.get(listing)
    with django_assert_max_num_queries(12) as one_list:
        client.get(listing)
    with django_assert_max_num_queries(12) as one_detail:
        client.get(detail, {"q": "Rue"})
    with scopes_disabled():
        for n in range(5):
            other = RenovationWorks.objects.create(
                slsp=world.slsp_a, name=f"B{n}", kind=WorksKind.PEI, start_date=TODAY
            )
            unit = _unit_of(make_household(world.slsp_a))
            other.units.add(unit)
            works.units.add(_unit_of(make_household(world.slsp_a)))
            make_household(world.slsp_a)
    with django_assert_max_num_queries(len(one_list.captured_queries)):
        client.get(listing)
    with django_assert_max_num_queries(len(one_detail.captured_queries)):
        client.get(detail, {"q": "Rue"})

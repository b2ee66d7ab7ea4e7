"""Pages run the same number of SQL queries for 1, 3 and 50 rows."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.partners.factories import (
    AgreementFactory,
    PartnerContactFactory,
    PartnerFactory,
    SlspPartnerFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make_rows(world, n):
    with scopes_disabled():
        for i in range(n):
            partner = PartnerFactory(commune=f"Commune {i}")
            PartnerContactFactory.create_batch(2, partner=partner)
            SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
            AgreementFactory(slsp=world.slsp_a, partner=partner).contacts.add(
                *partner.contacts.all()
            )


@pytest.mark.parametrize("persona", ["referent_a", "coordinateur"])
def test_directory_query_count_is_constant(
    world, client_for, persona, django_assert_max_num_queries
):
    client = client_for(persona)
    counts = []
    made = 0
    for n in (1, 3, 50):
        make_rows(world, n - made)
        made = n
        counts.append(count_queries(client, reverse("partners:directory")))
    print(f"queries for 1, 3, 50 rows: {counts}")
    assert counts[0] == counts[1] == counts[2], counts


def test_agreements_list_query_count_is_constant(world, client_for):
    client = client_for("referent_a")
    counts = []
    made = 0
    for n in (1, 3, 50):
        make_rows(world, n - made)
        made = n
        counts.append(count_queries(client, reverse("partners:agreements")))
    print(f"queries for 1, 3, 50 rows: {counts}")
    assert counts[0] == counts[1] == counts[2], counts


@pytest.mark.parametrize("persona", ["referent_a", "coordinateur"])
def test_partner_page_query_count_is_constant(world, client_for, persona):
    partner = PartnerFactory(name="CPAS de Huy")
    SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
    client = client_for(persona)
    url = reverse("partners:detail", kwargs={"uuid": partner.uuid})
    counts = []
    made = 0
    for n in (1, 3, 50):
        with scopes_disabled():
            for _ in range(n - made):
                contact = PartnerContactFactory(partner=partner)
                AgreementFactory(slsp=world.slsp_a, partner=partner).contacts.add(contact)
                AgreementFactory(slsp=world.slsp_b, partner=partner)
        made = n
        counts.append(count_queries(client, url))
    print(f"queries for 1, 3, 50 rows: {counts}")
    assert counts[0] == counts[1] == counts[2], counts

"""The household page stays cheap on a large network.

The consent and follow-up forms are on their own pages (linked from the household page),
the partner checkboxes render Django's exact markup without a template per box, and
the per-row selects are rendered once.
"""

import datetime

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.forms import CheckboxList
from apps.accompaniment.models import Domain
from tests.partners.factories import PartnerFactory, SlspPartnerFactory
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a)


def _network(world, n):
    with scopes_disabled():
        for i in range(n):
            SlspPartnerFactory(slsp=world.slsp_a, partner=PartnerFactory(name=f"Partenaire {i}"))


@pytest.mark.parametrize(
    "attrs", [{"id": "id_f"}, {"id": "id_f", "class": "c", "data-x": True}, {}]
)
@pytest.mark.parametrize("value", [None, [1], ["x", 3]])
def test_checkbox_list_renders_exactly_like_django(attrs, value):
    choices = [(1, "A & <b>"), ("x", "Bé"), (3, "C"), (4, 'L\'AIS "du coin"')]
    expected = forms.CheckboxSelectMultiple(choices=choices).render("f", value, dict(attrs))
    assert CheckboxList(choices=choices).render("f", value, dict(attrs)) == expected


def test_household_page_links_to_the_forms_instead_of_rendering_them(client, world, household):
    _network(world, 3)
    client.force_login(world.users["referent_a"])
    html = client.get(reverse("tenants:household", kwargs={"uuid": household.uuid})).content
    html = html.decode()
    assert reverse("accompaniment:consent_form", kwargs={"uuid": household.uuid}) in html
    assert reverse("accompaniment:follow_up_form", kwargs={"uuid": household.uuid}) in html
    assert 'name="consent-given_on"' not in html and 'name="followup-objective"' not in html
    # The moment form still lists the network once, and only once.
    assert html.count('name="moment-partners"') == 3
    assert "Aucun partenaire dans le réseau" not in html


def test_household_page_without_network_says_so(client, world, household):
    client.force_login(world.users["referent_a"])
    html = client.get(reverse("tenants:household", kwargs={"uuid": household.uuid})).content
    assert "Aucun partenaire dans le réseau de la SLSP." in html.decode()


def test_reader_sees_no_form_links(client, world, household):
    client.force_login(world.users["direction_a"])
    html = client.get(reverse("tenants:household", kwargs={"uuid": household.uuid})).content
    assert b"consentement/nouveau" not in html and b"suivi/nouveau" not in html


def test_consent_form_page_lists_the_network_and_posts_to_the_action(client, world, household):
    _network(world, 2)
    client.force_login(world.users["referent_a"])
    response = client.get(reverse("accompaniment:consent_form", kwargs={"uuid": household.uuid}))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="consent-share_with"') == 2
    assert reverse("accompaniment:consent_create", kwargs={"uuid": household.uuid}) in html
    # Without JavaScript: the form posts, and the household page shows the result.
    response = client.post(
        reverse("accompaniment:consent_create", kwargs={"uuid": household.uuid}),
        {"consent-given_on": TODAY.isoformat(), "consent-covers_follow_up": "on"},
        follow=True,
    )
    assert "Consentement enregistré" in response.content.decode()


def test_follow_up_form_page_posts_to_the_action(client, world, household):
    client.force_login(world.users["referent_a"])
    html = client.get(
        reverse("accompaniment:follow_up_form", kwargs={"uuid": household.uuid})
    ).content.decode()
    assert 'name="followup-objective"' in html
    assert reverse("accompaniment:follow_up_create", kwargs={"uuid": household.uuid}) in html


def test_form_pages_and_household_page_queries_do_not_grow_with_the_network(
    client, world, household
):
    client.force_login(world.users["referent_a"])
    urls = [
        reverse("accompaniment:consent_form", kwargs={"uuid": household.uuid}),
        reverse("accompaniment:follow_up_form", kwargs={"uuid": household.uuid}),
        reverse("tenants:household", kwargs={"uuid": household.uuid}),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    _network(world, 1)
    few = counts()
    _network(world, 5)
    assert counts() == few


def test_objective_and_close_selects_appear_on_every_row(client, world, household):
    user = world.users["referent_a"]
    with scope(slsp=[world.slsp_a.pk]):
        services.record_consent(household, user, given_on=TODAY, covers_follow_up=True)
        services.open_follow_up(
            household,
            user,
            domains=[Domain.IMPAYES],
            objective="Tenir le plan",
            more_objectives=["Ouvrir un compte", "Rencontrer le CPAS"],
        )
    client.force_login(user)
    html = client.get(reverse("tenants:household", kwargs={"uuid": household.uuid})).content
    html = html.decode()
    # One select per objective and per open follow-up, all from the one rendering.
    assert html.count('<select name="status"') == 3
    # Closing is a link to its confirmation page, which asks for the outcome.
    assert html.count('<select name="outcome"') == 0
    assert "/cloture/" in html

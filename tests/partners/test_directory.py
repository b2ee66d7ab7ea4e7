"""The regional directory: search, duplicate-proof creation, links, contacts."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.partners.models import Partner, PartnerContact, SlspPartner, normalize_name
from apps.partners.queries import find_similar
from tests.partners.factories import PartnerContactFactory, PartnerFactory, SlspPartnerFactory

pytestmark = pytest.mark.django_db


def partner_data(**overrides):
    data = {
        "name": "Relais social urbain de Charleroi",
        "type": "relais_social",
        "address": "Boulevard Tirou 1",
        "postal_code": "6000",
        "commune": "Charleroi",
        "communes_served": "Charleroi, Châtelet",
        "phone": "071 00 00 00",
        "email": "",
        "website": "",
        "description": "",
    }
    data.update(overrides)
    return data


def test_normalized_name_ignores_accents_and_case():
    partner = PartnerFactory(name="CPAS de Liège")
    assert partner.normalized_name == "cpas de liege"
    partner.name = "Centre public d'Action sociale de LIÈGE"
    partner.save(update_fields=["name"])
    partner.refresh_from_db()
    assert partner.normalized_name == normalize_name("centre public d action sociale de liege")


def test_similar_partners_by_type_and_commune_and_by_name():
    same_place = PartnerFactory(name="Centre public d'action sociale", type="cpas", commune="Namur")
    same_name = PartnerFactory(name="CPAS de Namur", type="autre", commune="")
    PartnerFactory(name="Maison de justice d'Arlon", type="maison_justice", commune="Arlon")
    found = find_similar("C.P.A.S. de  Namur", "cpas", "Namur")
    assert same_place in found and same_name in found
    assert len(found) == 2


def test_directory_filters_by_type_commune_and_accent_free_search(world, client_for):
    PartnerFactory(name="CPAS de Liège", type="cpas", commune="Liège")
    PartnerFactory(name="AIS Andenne", type="ais", commune="Andenne", communes_served=["Ciney"])
    client = client_for("referent_a")
    url = reverse("partners:directory")
    names = lambda r: [p.name for p in r.context["page"]]  # noqa: E731
    assert names(client.get(url, {"q": "liege"})) == ["CPAS de Liège"]
    assert names(client.get(url, {"type": "ais"})) == ["AIS Andenne"]
    assert names(client.get(url, {"commune": "Ciney"})) == ["AIS Andenne"]
    response = client.get(url, {"commune": "Nulle-Part"})
    assert response.status_code == 200  # an unknown choice is a form error, never a 500


def test_create_proposes_existing_partners_before_allowing_a_duplicate(world, client_for):
    existing = PartnerFactory(
        name="Relais social de Charleroi", type="relais_social", commune="Charleroi"
    )
    client = client_for("referent_a")
    search = client.get(
        reverse("partners:create"),
        {
            "name": "Relais social urbain de Charleroi",
            "type": "relais_social",
            "commune": "Charleroi",
        },
    )
    assert existing in search.context["similar"]
    assert reverse("partners:link", kwargs={"uuid": existing.uuid}) in search.content.decode()

    refused = client.post(reverse("partners:create"), partner_data())
    assert refused.status_code == 200
    assert "Des partenaires semblables existent" in refused.content.decode()
    assert Partner.objects.count() == 1

    created = client.post(reverse("partners:create"), partner_data(confirm_new="on"))
    assert created.status_code == 302
    partner = Partner.objects.get(name="Relais social urbain de Charleroi")
    assert partner.communes_served == ["Charleroi", "Châtelet"]
    with scopes_disabled():
        assert SlspPartner.objects.filter(slsp=world.slsp_a, partner=partner).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Ce champ est obligatoire"),
        ({"type": "banque"}, "Sélectionnez un choix valide"),
        ({"postal_code": "12"}, "quatre chiffres"),
        ({"email": "pas-une-adresse"}, "adresse de courriel valide"),
    ],
)
def test_partner_form_bad_input(world, client_for, overrides, message):
    response = client_for("coordinateur").post(
        reverse("partners:create"), partner_data(confirm_new="on", **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Partner.objects.exists()


def test_edit_partner(world, client_for):
    partner = PartnerFactory()
    response = client_for("coordinateur").post(
        reverse("partners:edit", kwargs={"uuid": partner.uuid}),
        partner_data(name="Plan de cohésion sociale de Charleroi", type="pcs"),
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.type == "pcs" and partner.normalized_name.startswith("plan de cohesion")


def test_link_and_unlink_to_my_slsp(world, client_for):
    partner = PartnerFactory()
    client = client_for("referent_a")
    client.post(reverse("partners:link", kwargs={"uuid": partner.uuid}), {"slsp": world.slsp_a.pk})
    client.post(reverse("partners:link", kwargs={"uuid": partner.uuid}), {"slsp": world.slsp_a.pk})
    with scopes_disabled():
        assert SlspPartner.objects.filter(partner=partner).count() == 1
    client.post(
        reverse("partners:unlink", kwargs={"uuid": partner.uuid}), {"slsp": world.slsp_a.pk}
    )
    with scopes_disabled():
        assert not SlspPartner.objects.filter(partner=partner).exists()


def test_a_referent_cannot_link_a_partner_to_another_slsp(world, client_for):
    partner = PartnerFactory()
    response = client_for("referent_a").post(
        reverse("partners:link", kwargs={"uuid": partner.uuid}), {"slsp": world.slsp_b.pk}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not SlspPartner.objects.exists()


def test_network_links_are_scoped(world):
    SlspPartnerFactory(slsp=world.slsp_a)
    SlspPartnerFactory(slsp=world.slsp_b)
    with scope(slsp=[world.slsp_a.pk]):
        assert [link.slsp_id for link in SlspPartner.objects.all()] == [world.slsp_a.pk]


def test_contacts_add_and_edit_with_bad_input(world, client_for):
    partner = PartnerFactory()
    client = client_for("referent_b")
    url = reverse("partners:contact_add", kwargs={"uuid": partner.uuid})
    response = client.post(url, {"name": "Claire Martin", "function": "AS"})
    assert "au moins un téléphone ou une adresse e-mail" in response.content.decode()
    response = client.post(url, {"name": "", "email": "x@example.org"})
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not PartnerContact.objects.exists()
    client.post(url, {"name": "Claire Martin", "function": "AS", "phone": "081 00 00 00"})
    contact = PartnerContact.objects.get()
    client.post(
        reverse("partners:contact_edit", kwargs={"uuid": contact.uuid}),
        {"name": "Claire Martin", "function": "Cheffe de service", "phone": "081 00 00 00"},
    )
    contact.refresh_from_db()
    assert contact.function == "Cheffe de service"


def test_partner_page_shows_contacts_to_staff_and_counts_only_to_coordinators(world, client_for):
    partner = PartnerFactory(name="Service de santé mentale de Namur", type="sante_mentale")
    PartnerContactFactory(partner=partner, name="Dr Hubert")
    from tests.partners.factories import AgreementFactory

    with scopes_disabled():
        AgreementFactory(slsp=world.slsp_a, partner=partner, purpose="Suivi psy confidentiel")
        AgreementFactory(slsp=world.slsp_b, partner=partner, purpose="Autre SLSP secrète")
    page_a = client_for("referent_a").get(reverse("partners:detail", kwargs={"uuid": partner.uuid}))
    body = page_a.content.decode()
    assert "Dr Hubert" in body and "Suivi psy confidentiel" in body
    assert "Autre SLSP secrète" not in body
    coordinator = client_for("coordinateur").get(
        reverse("partners:detail", kwargs={"uuid": partner.uuid})
    )
    body = coordinator.content.decode()
    assert "Suivi psy confidentiel" not in body and "Autre SLSP secrète" not in body
    assert coordinator.context["stats"]["total"] == 2
    assert coordinator.context["stats"]["slsps"] == 2


def test_create_search_with_bad_input_is_a_form_error(world, client_for):
    response = client_for("referent_a").get(
        reverse("partners:create"), {"name": "", "type": "banque", "commune": "x" * 300}
    )
    assert response.status_code == 200
    assert set(response.context["search"].errors) == {"name", "type", "commune"}
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_commune_choices_are_cached_and_follow_partner_writes(world, client_for):
    """The filter's communes come from the cache after the first page; creating,
    changing or deleting a partner shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def communes(client):
        response = client.get(reverse("partners:directory"))
        return [value for value, _label in response.context["filter"].form["commune"].field.choices]

    client = client_for("referent_a")
    PartnerFactory(name="CPAS d'Andenne", type="cpas", commune="Andenne")
    assert "Andenne" in communes(client)
    with CaptureQueriesContext(connection) as ctx:
        communes(client)
    assert not [q for q in ctx.captured_queries if "unnest(communes_served)" in q["sql"]]
    with scopes_disabled():
        ciney = PartnerFactory(name="AIS Condroz", type="ais", commune="Ciney")
    assert "Ciney" in communes(client)
    with scopes_disabled():
        ciney.communes_served = ["Havelange"]
        ciney.save()
    assert "Havelange" in communes(client)
    with scopes_disabled():
        ciney.delete()
    assert "Ciney" not in communes(client) and "Havelange" not in communes(client)

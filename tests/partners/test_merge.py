"""Merging duplicates: every relation moves to the partner kept, nothing is lost."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from pghistory.models import Event as HistoryEvent

from apps.partners import services
from apps.partners.models import (
    Agreement,
    Partner,
    PartnerContact,
    PartnerMerge,
    SlspPartner,
)
from tests.partners.factories import (
    AgreementFactory,
    PartnerContactFactory,
    PartnerFactory,
    SlspPartnerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):
    keep = PartnerFactory(name="CPAS de Namur", type="cpas", commune="Namur", phone="")
    dup = PartnerFactory(
        name="C.P.A.S. Namur",
        type="cpas",
        commune="Namur",
        phone="081 33 70 11",
        communes_served=["Namur", "Jambes"],
    )
    with scopes_disabled():
        # SLSP A is linked to both (unique collision); SLSP B only to the duplicate.
        SlspPartnerFactory(slsp=world.slsp_a, partner=keep, since=datetime.date(2020, 1, 1))
        SlspPartnerFactory(
            slsp=world.slsp_a, partner=dup, since=datetime.date(2015, 5, 1), note="ancien lien"
        )
        SlspPartnerFactory(slsp=world.slsp_b, partner=dup)
        contact = PartnerContactFactory(partner=dup, name="Claire Martin")
        agreement = AgreementFactory(slsp=world.slsp_b, partner=dup)
        agreement.contacts.add(contact)
    return keep, dup


def test_merge_moves_links_agreements_and_contacts(world, pair):
    keep, dup = pair
    record = services.merge_partners(keep, dup, user=world.users["coordinateur"])
    assert not Partner.objects.filter(pk=dup.pk).exists()
    with scopes_disabled():
        links = {link.slsp_id: link for link in SlspPartner.objects.filter(partner=keep)}
        assert set(links) == {world.slsp_a.pk, world.slsp_b.pk}
        # The collision kept the earliest date and the note of the duplicate's link.
        assert links[world.slsp_a.pk].since == datetime.date(2015, 5, 1)
        assert "ancien lien" in links[world.slsp_a.pk].note
        agreement = Agreement.objects.get()
        assert agreement.partner_id == keep.pk
        assert [c.name for c in agreement.contacts.all()] == ["Claire Martin"]
    assert PartnerContact.objects.get().partner_id == keep.pk
    keep.refresh_from_db()
    assert keep.phone == "081 33 70 11"
    assert keep.communes_served == ["Namur", "Jambes"]
    assert record.merged_name == "C.P.A.S. Namur"
    assert record.moved["partners.slspPartner.partner".lower()] == 1


def test_merge_covers_every_relation_to_partner():
    """Relations declared by any app (FK, hidden FK, M2M) are found from Partner's meta."""
    found = {(model._meta.label, field.name) for model, field in services._relations_to_partner()}
    expected = set()
    for rel in Partner._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            expected |= {
                (through._meta.label, f.name)
                for f in through._meta.fields
                if f.is_relation and f.related_model is Partner
            }
        elif not issubclass(rel.related_model, HistoryEvent):
            # The change history keeps the partner as it was (append-only).
            expected.add((rel.related_model._meta.label, rel.field.name))
    assert expected <= found
    assert ("partners.Agreement", "partner") in found
    assert ("partners.SlspPartner", "partner") in found
    assert ("partners.PartnerContact", "partner") in found


def test_merge_is_atomic(world, pair, monkeypatch):
    keep, dup = pair

    def boom(*args, **kwargs):
        raise RuntimeError("failure after moving rows")

    monkeypatch.setattr(PartnerMerge.objects, "create", boom)
    with pytest.raises(RuntimeError):
        services.merge_partners(keep, dup)
    with scopes_disabled():
        assert SlspPartner.objects.filter(partner=dup).count() == 2
        assert Agreement.objects.get().partner_id == dup.pk
    assert Partner.objects.filter(pk=dup.pk).exists()


def test_merge_with_itself_is_refused(pair):
    keep, _dup = pair
    with pytest.raises(services.MergeError):
        services.merge_partners(keep, keep)


def test_merge_view_for_coordinators(world, client_for, pair):
    keep, dup = pair
    url = reverse("partners:merge", kwargs={"uuid": dup.uuid})
    client = client_for("coordinateur")
    page = client.get(url)
    assert keep in page.context["candidates"]
    refused = client.post(url, {"keep": str(keep.uuid)})
    assert "Cochez la case pour confirmer" in refused.content.decode()
    assert Partner.objects.filter(pk=dup.pk).exists()
    bogus = client.post(url, {"keep": "not-a-uuid", "confirm": "on"})
    assert bogus.status_code == 200
    done = client.post(url, {"keep": str(keep.uuid), "confirm": "on"})
    assert done.status_code == 302
    assert not Partner.objects.filter(pk=dup.pk).exists()
    assert (
        client_for("referent_a")
        .get(reverse("partners:merge", kwargs={"uuid": keep.uuid}))
        .status_code
        == 404
    )

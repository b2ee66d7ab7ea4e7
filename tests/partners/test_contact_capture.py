"""A partner link's recipient cannot be captured through the shared directory.

The attack: SLSP B's référent edits the e-mail of a directory contact that SLSP A's
agreement uses, then A resends a referral's link with the recipient left empty; the
link (household name, address, reason) went to B's address. Now agreements use the
SLSP's own copies, the recipient is shown and confirmed, and every directory change is
in the partner's history.
"""

from __future__ import annotations

import datetime
import importlib
from html import unescape

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Domain
from apps.partners.models import Agreement, PartnerContact
from apps.referrals import services as referrals
from apps.referrals.models import Referral, ReferralLink, ReferralStatus, SharedData
from tests.partners.factories import PartnerContactFactory, PartnerFactory, SlspPartnerFactory
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
LEGIT = "claire.martin@cpas-gembloux.be"
EVIL = "boite.de.b@example.org"


@pytest.fixture
def scene(world, client_for, django_capture_on_commit_callbacks):
    """A's référent makes an agreement through the form with a directory contact, then
    refers a household and sends the link to that contact."""
    referent = world.users["referent_a"]
    with scopes_disabled():
        partner = PartnerFactory(name="CPAS de Gembloux", type="cpas", commune="Gembloux")
        SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
        SlspPartnerFactory(slsp=world.slsp_b, partner=partner)
        contact = PartnerContactFactory(partner=partner, name="Claire Martin", email=LEGIT)
    client = client_for("referent_a")
    response = client.post(
        reverse("partners:agreement_create"),
        {
            "slsp": world.slsp_a.pk,
            "partner": partner.uuid,
            "purpose": "Prévention des arriérés",
            "start_date": f"{TODAY - datetime.timedelta(days=30):%Y-%m-%d}",
            "end_date": f"{TODAY + datetime.timedelta(days=300):%Y-%m-%d}",
            "shares_data": "on",
            "shared_data": "Identité, adresse",
            "contacts": [contact.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    with scopes_disabled():
        household = make_household(world.slsp_a, household__display_name="Ménage Lambert")
        services.record_consent(
            household,
            referent,
            given_on=TODAY - datetime.timedelta(days=5),
            covers_follow_up=True,
            share_with=[partner],
        )
        follow_up = services.open_follow_up(
            household,
            referent,
            domains=[Domain.IMPAYES],
            objective="Plan d'apurement",
            opened_on=TODAY - datetime.timedelta(days=5),
        )
        referral = referrals.propose_referral(
            follow_up,
            referent,
            partner=partner,
            reason="Arriéré de trois mois",
            shared_data=[SharedData.IDENTITY, SharedData.ADDRESS],
        )
    send = reverse("referrals:referral_send", kwargs={"uuid": referral.uuid})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send, {"recipient_email": LEGIT, "confirm": "on"})
    assert mail.outbox[-1].to == [LEGIT]
    return partner, contact, referral


def _agreement_contact(referral) -> PartnerContact:
    with scopes_disabled():
        return Agreement.objects.get(pk=referral.agreement_id).contacts.get()


def test_another_slsp_editing_the_directory_does_not_redirect_the_link(
    world, client_for, scene, django_capture_on_commit_callbacks
):
    partner, directory_contact, referral = scene
    # B's référent corrects the directory contact (allowed: the directory is shared).
    attacker = client_for("referent_b")
    edit = reverse("partners:contact_edit", kwargs={"uuid": directory_contact.uuid})
    response = attacker.post(edit, {"name": "Claire Martin", "email": EVIL})
    assert response.status_code == 302
    directory_contact.refresh_from_db()
    assert directory_contact.email == EVIL
    # A's agreement uses A's own copy, which B can neither open nor change.
    own = _agreement_contact(referral)
    assert (own.slsp_id, own.email) == (world.slsp_a.pk, LEGIT)
    own_edit = reverse("partners:contact_edit", kwargs={"uuid": own.uuid})
    assert attacker.get(own_edit).status_code == 404
    assert attacker.post(own_edit, {"name": "X", "email": EVIL}).status_code == 404
    own.refresh_from_db()
    assert own.email == LEGIT

    client = client_for("referent_a")
    detail = reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid})
    page = client.get(detail).content.decode()
    assert EVIL not in page
    assert f'value="{LEGIT}"' in page  # the address that will receive the link, shown
    resend = reverse("referrals:referral_resend", kwargs={"uuid": referral.uuid})
    before = len(mail.outbox)
    # Recipient left empty, or not confirmed: refused in French, nothing sent.
    for data in ({"recipient_email": ""}, {"recipient_email": "", "confirm": "on"}):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(resend, data, follow=True)
        assert "adresse e-mail du partenaire qui recevra le lien" in unescape(
            response.content.decode()
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, {"recipient_email": LEGIT}, follow=True)
    assert "Cochez la case pour confirmer" in unescape(response.content.decode())
    assert len(mail.outbox) == before
    with scopes_disabled():
        assert ReferralLink.objects.filter(referral=referral).count() == 1
    # Confirmed: the link goes to A's own address, never to B's.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend, {"recipient_email": LEGIT, "confirm": "on"})
    assert [m.to for m in mail.outbox[before:]] == [[LEGIT]]
    assert all(EVIL not in m.to for m in mail.outbox)


def test_the_service_never_sends_to_an_unconfirmed_or_directory_address(world, scene):
    partner, directory_contact, referral = scene
    with scopes_disabled():
        PartnerContact.objects.filter(pk=directory_contact.pk).update(email=EVIL)
        partner.email = EVIL
        partner.save()
        referral = Referral.objects.select_related("agreement", "partner").get(pk=referral.pk)
        assert referrals.default_recipient(referral) == LEGIT
        # An agreement without own contact proposes nothing (not the directory's address).
        Agreement.objects.get(pk=referral.agreement_id).contacts.clear()
        assert referrals.default_recipient(referral) == ""
        with pytest.raises(Exception, match="recevra le lien"):
            referrals.resend_link(
                referral, world.users["referent_a"], recipient_email="", base_url="http://t/"
            )
        assert ReferralLink.objects.filter(referral=referral).count() == 1


def test_send_form_shows_and_requires_confirmation(
    world, client_for, scene, django_capture_on_commit_callbacks
):
    """A proposed referral: the address is shown, and sending needs the checkbox."""
    partner, _contact, sent = scene
    referent = world.users["referent_a"]
    with scopes_disabled():
        proposed = referrals.propose_referral(
            sent.follow_up, referent, partner=partner, reason="Seconde demande"
        )
    # B's référent first points the directory contact at its own mailbox.
    client_for("referent_b").post(
        reverse("partners:contact_edit", kwargs={"uuid": _contact.uuid}),
        {"name": "Claire Martin", "email": EVIL},
    )
    client = client_for("referent_a")
    page = client.get(
        reverse("referrals:referral_detail", kwargs={"uuid": proposed.uuid})
    ).content.decode()
    assert EVIL not in page
    assert f'value="{LEGIT}"' in page
    assert "Je confirme que le lien doit être envoyé à cette adresse." in unescape(page)
    send = reverse("referrals:referral_send", kwargs={"uuid": proposed.uuid})
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send, {"recipient_email": ""})
        client.post(send, {"recipient_email": LEGIT})
    with scopes_disabled():
        proposed.refresh_from_db()
        assert proposed.status == ReferralStatus.PROPOSED
        assert not ReferralLink.objects.filter(referral=proposed).exists()
    assert len(mail.outbox) == before
    assert all(EVIL not in m.to for m in mail.outbox)


def test_every_directory_change_is_in_the_partner_history(world, client_for, scene):
    partner, directory_contact, _referral = scene
    attacker = client_for("referent_b")
    attacker.post(
        reverse("partners:contact_edit", kwargs={"uuid": directory_contact.uuid}),
        {"name": "Claire Martin", "email": EVIL},
    )
    attacker.post(
        reverse("partners:edit", kwargs={"uuid": partner.uuid}),
        {"name": "CPAS de Gembloux", "type": "cpas", "commune": "Gembloux", "email": EVIL},
    )
    page = unescape(
        client_for("referent_a")
        .get(reverse("partners:detail", kwargs={"uuid": partner.uuid}))
        .content.decode()
    )
    history = page[page.index("Historique des modifications") :]
    author = str(world.users["referent_b"])
    stamp = timezone.localtime().strftime("%d/%m/%Y")
    assert f"E-mail : {LEGIT} → {EVIL}" in history  # the contact
    assert f"E-mail : — → {EVIL}" in history  # the partner's own field
    assert "Contact : Claire Martin" in history
    assert author in history
    assert stamp in history
    # A's own copy is A's business: B's page of the same partner shows neither it nor
    # its history.
    other = unescape(
        attacker.get(reverse("partners:detail", kwargs={"uuid": partner.uuid})).content.decode()
    )
    own = _agreement_contact(_referral)
    assert str(own.uuid) not in other
    assert other.count("Contact : Claire Martin") == page.count("Contact : Claire Martin") - 1


def test_own_contacts_are_added_for_one_slsp_only(world, client_for):
    with scopes_disabled():
        partner = PartnerFactory(name="AIS Namur")
    url = reverse("partners:contact_add", kwargs={"uuid": partner.uuid})
    client = client_for("referent_a")
    page = unescape(client.get(url).content.decode())
    assert "Ma SLSP uniquement" in page
    # Bad input: no address at all, another SLSP as owner, nonsense: French, nothing saved.
    for data, message in (
        ({"name": "Paul", "owner": world.slsp_a.pk}, "au moins un téléphone"),
        ({"name": "Paul", "email": "p@ais.be", "owner": world.slsp_b.pk}, "choix valide"),
        ({"name": "Paul", "email": "p@ais.be", "owner": "abc"}, "choix valide"),
        ({"name": "", "email": "p@ais.be"}, "obligatoire"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in unescape(response.content.decode())
    assert not PartnerContact.objects.exists()
    client.post(url, {"name": "Paul", "email": "p@ais.be", "owner": world.slsp_a.pk})
    contact = PartnerContact.objects.get()
    assert contact.slsp_id == world.slsp_a.pk
    detail = reverse("partners:detail", kwargs={"uuid": partner.uuid})
    assert "p@ais.be" in client.get(detail).content.decode()
    for persona in ("referent_b", "coordinateur"):
        assert "p@ais.be" not in client_for(persona).get(detail).content.decode()
    # A coordinator only adds directory contacts.
    coordinator = client_for("coordinateur")
    assert "Ma SLSP uniquement" not in coordinator.get(url).content.decode()
    coordinator.post(url, {"name": "Anne", "email": "a@ais.be", "owner": world.slsp_a.pk})
    assert PartnerContact.objects.get(name="Anne").slsp_id is None


def test_partner_page_queries_do_not_grow_with_contacts_and_history(
    world, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("referent_a")

    def partner_with(n: int):
        with scopes_disabled():
            partner = PartnerFactory()
            SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
            for i in range(n):
                contact = PartnerContactFactory(partner=partner, slsp=world.slsp_a if i else None)
                client.post(
                    reverse("partners:contact_edit", kwargs={"uuid": contact.uuid}),
                    {"name": f"Nom {i}", "email": f"n{i}@x.be"},
                )
        return reverse("partners:detail", kwargs={"uuid": partner.uuid})

    one, three = partner_with(1), partner_with(3)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(one).status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        page = client.get(three).content.decode()
    assert page.count("<td>Contact : ") == 6  # three created, three edited


def test_migration_gives_existing_agreements_their_own_copies(world):
    """Agreements made before the change pointed at directory contacts."""
    migration = importlib.import_module("apps.partners.migrations.0003_contact_owner_and_history")
    with scopes_disabled():
        partner = PartnerFactory()
        shared = PartnerContactFactory(partner=partner, email=LEGIT)
        first = Agreement.objects.create(
            slsp=world.slsp_a, partner=partner, purpose="x", start_date=TODAY, end_date=TODAY
        )
        second = Agreement.objects.create(
            slsp=world.slsp_a, partner=partner, purpose="y", start_date=TODAY, end_date=TODAY
        )
        other = Agreement.objects.create(
            slsp=world.slsp_b, partner=partner, purpose="z", start_date=TODAY, end_date=TODAY
        )
        for agreement in (first, second, other):
            agreement.contacts.add(shared)
        migration.agreements_use_own_copies(apps, None)
        copies = {a.slsp_id: a.contacts.get() for a in (first, second, other)}
        assert second.contacts.get() == copies[world.slsp_a.pk]
        for slsp in (world.slsp_a, world.slsp_b):
            copy = copies[slsp.pk]
            assert (copy.slsp_id, copy.copied_from_id, copy.email) == (slsp.pk, shared.pk, LEGIT)
        assert PartnerContact.objects.count() == 3

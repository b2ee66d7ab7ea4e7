"""Agreements: form and upload bad input, status, download, alerts, the sharing query."""

import datetime
import html

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.partners import services
from apps.partners.models import Agreement, AgreementAlert, AgreementStatus
from apps.partners.queries import sharing_agreement_for
from tests.core.factories import encrypted_pdf, pdf_bytes, pdf_upload
from tests.partners.factories import (
    AgreementFactory,
    PartnerContactFactory,
    PartnerFactory,
    SlspPartnerFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def linked(world):
    partner = PartnerFactory(name="CPAS de Namur", type="cpas")
    with scopes_disabled():
        SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
    return partner


def form_data(world, linked_partner, **overrides):
    data = {
        "slsp": world.slsp_a.pk,
        "partner": str(linked_partner.uuid),
        "purpose": "Orientation des ménages en arriérés de loyer",
        "start_date": "2026-01-01",
        "end_date": "2028-12-31",
        "shares_data": "on",
        "shared_data": "Composition du ménage, montant des arriérés",
        "priority_rules": "Ménages avec enfants d'abord",
        "response_days": "10",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count():
    with scopes_disabled():
        return Agreement.objects.count()


def test_create_an_agreement_with_its_signed_pdf_and_download_it(world, client_for, linked):
    contact = PartnerContactFactory(partner=linked)
    client = client_for("referent_a")
    response = client.post(
        reverse("partners:agreement_create"),
        form_data(
            world, linked, contacts=[contact.pk], document=pdf_upload("Convention signée.pdf")
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    with scopes_disabled():
        agreement = Agreement.objects.get()
    assert agreement.document.name.startswith("agreements/")
    assert "Convention" not in agreement.document.name
    assert agreement.document_size == len(pdf_bytes())
    # The directory contact became the SLSP's own copy (links go only to those).
    (copy,) = agreement.contacts.all()
    assert (copy.copied_from, copy.slsp, copy.email) == (contact, world.slsp_a, contact.email)
    download = client.get(reverse("partners:agreement_document", kwargs={"uuid": agreement.uuid}))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # Another SLSP, the coordinator and the jury never get it.
    for persona in ("referent_b", "coordinateur", "jury", "admin"):
        url = reverse("partners:agreement_document", kwargs={"uuid": agreement.uuid})
        assert client_for(persona).get(url).status_code == 404


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"end_date": "2025-12-31"},
            "La date de fin (31/12/2025) précède la date de début (01/01/2026).",
        ),
        ({"start_date": "31/02/2026"}, "Saisissez une date valide"),
        ({"purpose": ""}, "Ce champ est obligatoire"),
        ({"shared_data": ""}, "Précisez quelles données"),
        ({"response_days": "0"}, "supérieure ou égale à 1"),
        ({"response_days": "abc"}, "Saisissez un nombre entier"),
        ({"partner": "00000000-0000-0000-0000-000000000000"}, "Sélectionnez un choix valide"),
        ({"document": SimpleUploadedFile("setup.pdf", EXE)}, "n'est pas un PDF"),
        ({"document": SimpleUploadedFile("setup.exe", EXE)}, "n'est pas un PDF"),
        ({"document": SimpleUploadedFile("a.pdf", b"texte")}, "n'est pas un PDF"),
        ({"document": SimpleUploadedFile("a.pdf", encrypted_pdf())}, "protégé par un mot de passe"),
        ({"document": SimpleUploadedFile("a.pdf", b"%PDF-1.4\nbroken")}, "illisible ou endommagé"),
    ],
)
def test_agreement_bad_input_saves_nothing(world, client_for, linked, overrides, message):
    response = client_for("referent_a").post(
        reverse("partners:agreement_create"), form_data(world, linked, **overrides)
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert count() == 0


def test_too_large_pdf_is_refused(world, client_for, linked, settings, tmp_path):
    settings.UPLOAD_MAX_BYTES = 100
    response = client_for("referent_a").post(
        reverse("partners:agreement_create"), form_data(world, linked, document=pdf_upload())
    )
    assert "trop volumineux" in response.content.decode()
    assert count() == 0
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_referent_cannot_create_for_another_slsp_or_with_an_unlinked_partner(
    world, client_for, linked
):
    client = client_for("referent_a")
    response = client.post(
        reverse("partners:agreement_create"), form_data(world, linked, slsp=world.slsp_b.pk)
    )
    assert response.status_code == 200 and count() == 0
    unlinked = PartnerFactory()
    response = client.post(reverse("partners:agreement_create"), form_data(world, unlinked))
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert count() == 0


def test_contacts_must_belong_to_the_partner(world, client_for, linked):
    other = PartnerContactFactory()
    response = client_for("referent_a").post(
        reverse("partners:agreement_create"), form_data(world, linked, contacts=[other.pk])
    )
    assert response.status_code == 200 and count() == 0


def test_edit_keeps_the_document_and_unticking_sharing_clears_the_data(world, client_for, linked):
    with scopes_disabled():
        agreement = AgreementFactory(
            slsp=world.slsp_a, partner=linked, shares_data=True, shared_data="Adresse"
        )
        agreement.document.save("x.pdf", SimpleUploadedFile("x.pdf", pdf_bytes()))
        name = agreement.document.name
    data = form_data(world, linked, shares_data=None, shared_data="Adresse")
    response = client_for("referent_a").post(
        reverse("partners:agreement_edit", kwargs={"uuid": agreement.uuid}), data
    )
    assert response.status_code == 302
    with scopes_disabled():
        agreement.refresh_from_db()
    assert agreement.document.name == name
    assert not agreement.shares_data and agreement.shared_data == ""


def test_status_is_computed_in_the_queryset(world):
    with scopes_disabled():
        a = AgreementFactory(slsp=world.slsp_a, end_date=TODAY + datetime.timedelta(days=200))
        b = AgreementFactory(slsp=world.slsp_a, end_date=TODAY + datetime.timedelta(days=60))
        c = AgreementFactory(slsp=world.slsp_a, end_date=TODAY - datetime.timedelta(days=1))
        d = AgreementFactory(
            slsp=world.slsp_a,
            start_date=TODAY + datetime.timedelta(days=5),
            end_date=TODAY + datetime.timedelta(days=400),
        )
        status = dict(Agreement.objects.with_status(TODAY).values_list("pk", "status"))
    assert status == {
        a.pk: AgreementStatus.ACTIVE,
        b.pk: AgreementStatus.EXPIRING,
        c.pk: AgreementStatus.EXPIRED,
        d.pk: AgreementStatus.UPCOMING,
    }


def test_sharing_agreement_for(world):
    partner = PartnerFactory()
    with scopes_disabled():
        AgreementFactory(slsp=world.slsp_a, partner=partner, shares_data=False)
        assert sharing_agreement_for(world.slsp_a.pk, partner.pk) is None
        sharing = AgreementFactory(
            slsp=world.slsp_a, partner=partner, shares_data=True, shared_data="Adresse"
        )
        assert sharing_agreement_for(world.slsp_a.pk, partner.pk) == sharing
        assert sharing_agreement_for(world.slsp_b.pk, partner.pk) is None
        later = sharing.end_date + datetime.timedelta(days=1)
        assert sharing_agreement_for(world.slsp_a.pk, partner.pk, on=later) is None


def test_expiry_alerts_go_once_per_threshold_to_the_referents(
    world, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        soon = AgreementFactory(slsp=world.slsp_a, end_date=TODAY + datetime.timedelta(days=45))
        AgreementFactory(slsp=world.slsp_a, end_date=TODAY + datetime.timedelta(days=200))
    with scope(slsp=[world.slsp_a.pk]):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_expiry_alerts(world.slsp_a.pk, TODAY) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_expiry_alerts(world.slsp_a.pk, TODAY) == 0
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["ref.a@example.org"]
        assert soon.partner.name in mail.outbox[0].subject
        # 25 days later the 30-day threshold sends one more; the 60-day one never again.
        with django_capture_on_commit_callbacks(execute=True):
            later = TODAY + datetime.timedelta(days=20)
            assert services.send_expiry_alerts(world.slsp_a.pk, later) == 1
        assert len(mail.outbox) == 2
        assert set(AgreementAlert.objects.values_list("threshold_days", flat=True)) == {60, 30}


def test_home_panel_lists_expiring_agreements_for_referent_and_direction(world, client_for):
    with scopes_disabled():
        AgreementFactory(
            slsp=world.slsp_a,
            purpose="Convention à renouveler",
            end_date=TODAY + datetime.timedelta(days=30),
        )
        AgreementFactory(slsp=world.slsp_a, purpose="Convention tranquille")
    for persona in ("referent_a", "direction_a"):
        body = client_for(persona).get(reverse("core:home")).content.decode()
        assert "Convention à renouveler" in body and "Convention tranquille" not in body
    assert "Convention à renouveler" not in client_for("referent_b").get("/").content.decode()
    assert "Conventions qui expirent" not in client_for("jury").get("/").content.decode()


def test_beat_schedule_is_registered():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["partners-send-expiry-alerts"]
    assert entry["task"] == "partners.send_expiry_alerts"


def test_agreements_list_filters_by_status(world, client_for):
    with scopes_disabled():
        AgreementFactory(
            slsp=world.slsp_a, purpose="Finie", end_date=TODAY - datetime.timedelta(days=3)
        )
        AgreementFactory(slsp=world.slsp_a, purpose="Courante")
        AgreementFactory(slsp=world.slsp_b, purpose="Autre SLSP")
    response = client_for("direction_a").get(reverse("partners:agreements"), {"status": "expired"})
    assert [a.purpose for a in response.context["page"]] == ["Finie"]
    response = client_for("direction_a").get(reverse("partners:agreements"))
    assert {a.purpose for a in response.context["page"]} == {"Finie", "Courante"}


def test_a_replaced_document_is_deleted_from_disk(
    world, client_for, linked, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        agreement = AgreementFactory(slsp=world.slsp_a, partner=linked)
        agreement.document.save("x.pdf", SimpleUploadedFile("x.pdf", pdf_bytes()))
    old_path = agreement.document.path
    data = form_data(world, linked, document=pdf_upload("nouvelle.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("referent_a").post(
            reverse("partners:agreement_edit", kwargs={"uuid": agreement.uuid}), data
        )
    assert response.status_code == 302
    with scopes_disabled():
        agreement.refresh_from_db()
    import os

    assert not os.path.exists(old_path)
    assert os.path.exists(agreement.document.path)

"""Dossiers: drafting, co-applicants, submission at the deadline, receipt, withdrawal."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from apps.calls import queries, services
from apps.calls.models import CallStatus, Dossier, DossierStatus, DossierVersion
from tests.calls import factories as f
from tests.core.factories import pdf_upload

BRUSSELS = datetime.timezone(datetime.timedelta(hours=2))  # CEST, October 2011


@pytest.fixture
def call_2011(db):
    return f.make_call(
        CallStatus.OPEN,
        title="Le référent social au cœur de l'accompagnement",
        opens_at=datetime.datetime(2011, 9, 1, 9, 0, tzinfo=BRUSSELS),
        closes_at=datetime.datetime(2011, 10, 15, 23, 59, 59, tzinfo=BRUSSELS),
    )


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-1, True), (0, False), (1, False)],
    ids=["one second before", "at closing time", "one second after"],
)
def test_submission_refused_by_the_server_to_the_second(world, call_2011, offset, accepted):
    dossier = f.make_dossier(call_2011, world.slsp_a, approved_by=world.users["direction_a"])
    at = call_2011.closes_at + datetime.timedelta(seconds=offset)
    client = world.client_for("referent_a")
    with time_machine.travel(at, tick=False):
        response = client.post(reverse("calls:dossier_submit", kwargs={"uuid": dossier.uuid}))
    assert response.status_code == 302
    with scopes_disabled():
        dossier.refresh_from_db()
    assert (dossier.status == DossierStatus.SUBMITTED) is accepted
    assert DossierVersion.objects.filter(dossier=dossier).exists() is accepted
    if not accepted:
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("plus de dépôt" in m for m in messages), messages


def test_every_missing_item_is_listed_at_once(world, call_2011):
    dossier = f.make_dossier(call_2011, world.slsp_a, complete=False)
    with time_machine.travel(call_2011.closes_at - datetime.timedelta(days=1), tick=False):
        response = world.client_for("referent_a").post(
            reverse("calls:dossier_submit", kwargs={"uuid": dossier.uuid}), follow=True
        )
    text = response.content.decode()
    for item in (
        "le résumé du projet",
        "au moins une action",
        "au moins un domaine",
        "au moins un public visé",
        "au moins une ligne budgétaire",
        "le montant demandé",
    ):
        assert item in text
    with scopes_disabled():
        dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_submitted_dossier_is_frozen_with_a_pdf_receipt(world, call_2011):
    dossier = f.make_dossier(
        call_2011,
        world.slsp_a,
        co=[world.slsp_b],
        title="Fête des voisins",
        approved_by=world.users["direction_a"],
    )
    with time_machine.travel(call_2011.closes_at - datetime.timedelta(hours=1), tick=False):
        version = services.submit_dossier(dossier, world.users["referent_a"])
        # Frozen: the edit page redirects, the snapshot keeps what was submitted.
        response = world.client_for("referent_b").get(
            reverse("calls:dossier_edit", kwargs={"uuid": dossier.uuid})
        )
        assert response.status_code == 302
    assert version.snapshot["title"] == "Fête des voisins"
    assert [a["lead"] for a in version.snapshot["applicants"]] == [True, False]
    response = world.client_for("referent_b").get(
        reverse("calls:receipt", kwargs={"uuid": version.uuid})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    pdf = b"".join(response.streaming_content)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Récépissé de dépôt" in text
    assert "Fête des voisins" in text
    assert "15/10/2011" in text  # submitted the 15th, shown dd/mm/yyyy
    assert "Page 1 /" in text


def test_withdrawal_only_before_closing(world, call_2011):
    dossier = f.make_dossier(call_2011, world.slsp_a, approved_by=world.users["direction_a"])
    with time_machine.travel(call_2011.closes_at - datetime.timedelta(hours=1), tick=False):
        services.submit_dossier(dossier, world.users["referent_a"])
        services.withdraw_dossier(dossier)
        services.reopen_dossier(dossier)
        services.submit_dossier(dossier, world.users["referent_a"])
    assert DossierVersion.objects.filter(dossier=dossier).count() == 2
    with (
        time_machine.travel(call_2011.closes_at, tick=False),
        pytest.raises(services.SubmissionRefused),
    ):
        services.withdraw_dossier(dossier)


def test_co_applicant_referents_edit_and_other_slsps_do_not_see(world, call_2011):
    from tests.accounts.factories import make_user
    from tests.slsps.factories import SlspFactory

    other = SlspFactory()
    outsider = make_user("referent", other)
    dossier = f.make_dossier(call_2011, world.slsp_a, co=[world.slsp_b])
    url = reverse("calls:dossier_edit", kwargs={"uuid": dossier.uuid})
    with time_machine.travel(call_2011.closes_at - datetime.timedelta(days=1), tick=False):
        assert world.client_for("referent_b").get(url).status_code == 200
        from django.test import Client

        client = Client()
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        detail = reverse("calls:dossier_detail", kwargs={"uuid": dossier.uuid})
        assert client.get(detail).status_code == 404
    with scopes_disabled():
        assert dossier in Dossier.objects.with_scopes_disabled().all()


def test_call_counts_each_slsp_once(world, call_2011):
    f.make_dossier(call_2011, world.slsp_a, co=[world.slsp_b], status=DossierStatus.SUBMITTED)
    f.make_dossier(call_2011, world.slsp_b, status=DossierStatus.SUBMITTED)
    f.make_dossier(call_2011, world.slsp_a, status=DossierStatus.DRAFT)
    summary = queries.call_summary(call_2011)
    assert summary["submitted"] == 2
    assert summary["slsps"] == 2
    assert summary["joint"] == 1
    assert summary["requested"] == Decimal("20000")


# --- Bad input on every dossier form ---


def _in_window(call):
    return time_machine.travel(call.closes_at - datetime.timedelta(days=1), tick=False)


def test_dossier_create_bad_input(world, call_2011):
    client = world.client_for("referent_a")
    url = reverse("calls:dossier_create", kwargs={"uuid": call_2011.uuid})
    with _in_window(call_2011):
        response = client.post(
            url,
            {
                "lead_slsp": world.slsp_a.pk,
                "co_applicants": [world.slsp_a.pk],
                "title": "",
                "requested_amount": "999999",
                "domains": ["inconnu"],
            },
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors
    assert "plafond" in str(form.errors["requested_amount"])
    assert "domains" in form.errors
    with scopes_disabled():
        assert not Dossier.objects.exists()


def test_dossier_create_refuses_a_foreign_lead_slsp(world, call_2011):
    with _in_window(call_2011):
        response = world.client_for("referent_a").post(
            reverse("calls:dossier_create", kwargs={"uuid": call_2011.uuid}),
            {"lead_slsp": world.slsp_b.pk, "title": "Projet"},
        )
    assert response.status_code == 200
    assert "lead_slsp" in response.context["form"].errors


def test_actions_and_budget_bad_input(world, call_2011):
    dossier = f.make_dossier(call_2011, world.slsp_a, complete=False)
    client = world.client_for("referent_a")
    with _in_window(call_2011):
        response = client.post(
            reverse("calls:dossier_actions", kwargs={"uuid": dossier.uuid}),
            {
                "actions-TOTAL_FORMS": "1",
                "actions-INITIAL_FORMS": "0",
                "actions-0-title": "Atelier",
            },
        )
        assert response.status_code == 200
        assert "individuelle" in response.content.decode()
        response = client.post(
            reverse("calls:dossier_budget", kwargs={"uuid": dossier.uuid}),
            {
                "budget-TOTAL_FORMS": "1",
                "budget-INITIAL_FORMS": "0",
                "budget-0-label": "X",
                "budget-0-amount": "-5",
            },
        )
        assert response.status_code == 200
        response = client.post(
            reverse("calls:dossier_budget", kwargs={"uuid": dossier.uuid}), {"garbage": "1"}
        )
        assert response.status_code == 200
    assert not dossier.actions.exists() and not dossier.budget_lines.exists()


def test_attachment_must_really_be_a_pdf(world, call_2011, settings):
    dossier = f.make_dossier(call_2011, world.slsp_a)
    client = world.client_for("referent_a")
    url = reverse("calls:attachment_add", kwargs={"uuid": dossier.uuid})
    with _in_window(call_2011):
        fake = pdf_upload(name="faux.pdf", content=b"MZ\x90\x00 not a pdf at all")
        response = client.post(url, {"title": "Annexe", "file": fake})
        assert response.status_code == 200
        assert "pas un PDF" in response.content.decode()
        settings.UPLOAD_MAX_BYTES = 100
        response = client.post(url, {"title": "Annexe", "file": pdf_upload()})
        assert "trop volumineux" in response.content.decode()
        settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
        response = client.post(url, {"title": "Annexe", "file": pdf_upload()})
        assert response.status_code == 302
    attachment = dossier.attachments.get()
    download = client.get(reverse("calls:attachment_download", kwargs={"uuid": attachment.uuid}))
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert (
        world.client_for("referent_b")
        .get(reverse("calls:attachment_download", kwargs={"uuid": attachment.uuid}))
        .status_code
        == 404
    )


def test_call_form_bad_input(world):
    response = world.client_for("coordinateur").post(
        reverse("calls:call_create"),
        {
            "title": "Appel",
            "opens_at": "2026-10-10T10:00",
            "closes_at": "2026-10-01T10:00",
            "total_budget": "1000",
            "ceiling_per_dossier": "5000",
            "disagreement_threshold": "1.5",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-label": "Critère",
            "criteria-0-weight": "1",
            "criteria-0-scale_min": "5",
            "criteria-0-scale_max": "2",
        },
    )
    assert response.status_code == 200
    assert "closes_at" in response.context["form"].errors
    assert "ceiling_per_dossier" in response.context["form"].errors
    from apps.calls.models import Call

    assert not Call.objects.exists()


def test_call_lifecycle_guards(world):
    call = f.make_call(CallStatus.DRAFT)
    client = world.client_for("coordinateur")
    url = reverse("calls:call_transition", kwargs={"uuid": call.uuid})
    response = client.post(url, {"target": "decided"}, follow=True)
    assert "choisissez un statut proposé" in response.content.decode()
    client.post(url, {"target": "open"})
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    response = client.post(url, {"target": "closed"}, follow=True)
    assert "avant son heure de clôture" in response.content.decode()
    with pytest.raises(services.TransitionRefused, match="Passage impossible"):
        services.transition(call, CallStatus.DECIDED)
    with time_machine.travel(call.closes_at, tick=False):
        services.transition(call, CallStatus.CLOSED)
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert timezone.now() < call.closes_at

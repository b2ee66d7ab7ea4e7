"""Right of access: everything held about a household, as JSON and PDF."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from apps.accounts.models import AccessLog
from tests.privacy.factories import (
    ANSWER,
    CONSENT_NOTE,
    FIRST_NAME,
    LAST_NAME,
    MOMENT_NOTE,
    OBJECTIVE,
    REASON,
    REFERRAL_REASON,
    SENSITIVE,
    make_rich_household,
)

pytestmark = pytest.mark.django_db
WHY = "Demande d'accès du locataire reçue le 12/11"


def url(household):
    return reverse("privacy:household_export", kwargs={"uuid": household.uuid})


def test_json_export_holds_everything_and_is_logged(world, client_for, household):
    before = AccessLog.objects.count()
    response = client_for("referent_a").post(
        url(household), {"format": "json", "reason": WHY, "include_sensitive": "on"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="export-menage-{household.uuid}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["format"] == "slsp-referent/export-menage/2"
    assert data["menage"]["uuid"] == str(household.uuid)
    assert {m["prenom"] for m in data["membres"]} == {FIRST_NAME, "Jules"}
    assert data["baux"][0]["public_specifique"] == "Sortie de maison d'accueil"
    assert data["consentements"][0]["remarque"] == CONSENT_NOTE
    assert data["consentements"][0]["partage_avec"]
    follow_up = data["suivis"][0]
    assert follow_up["objectif"] == OBJECTIVE
    assert sorted(o["texte"] for o in follow_up["objectifs"]) == sorted(
        [OBJECTIVE, "Ouvrir un compte bancaire"]
    )
    notes = {m["note"] for m in data["moments"]}
    assert MOMENT_NOTE in notes
    assert SENSITIVE in {m["note_sensible"] for m in data["moments"]}
    referral = data["orientations"][0]
    assert referral["motif"] == REFERRAL_REASON
    assert referral["commentaire_partenaire"] == ANSWER
    assert referral["donnees_partagees"] == ["identite", "impayes"]
    assert referral["historique"][0]["vers"] == "proposed"
    assert REASON in {a["motif"] for a in data["journal_des_acces"]}
    # The export itself is in the access log, with its reason, and so is the sensitive
    # note it holds (tests/privacy/test_sensitive_notes.py checks those rows).
    logged = AccessLog.objects.filter(object_type="tenants.household").order_by("-pk").first()
    assert AccessLog.objects.count() == before + 2
    assert (logged.subject_household, logged.reason, logged.view_name) == (
        household.pk,
        WHY,
        "privacy:household_export",
    )


def test_pdf_export_opens_and_shows_the_same_data(world, client_for, household):
    response = client_for("direction_a").post(url(household), {"format": "pdf", "reason": WHY})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    for expected in (FIRST_NAME, LAST_NAME, CONSENT_NOTE, MOMENT_NOTE, REFERRAL_REASON):
        assert expected in text, expected
    # The direction may not read sensitive notes: the PDF holds the neutral mention only.
    assert "Suivi psychiatrique" not in text
    assert "Note sensible (non incluse)" in text
    assert "Données détenues sur un ménage" in text
    assert household.reference in text


def test_the_form_page_and_bad_input(world, client_for, household):
    client = client_for("referent_a")
    page = client.get(url(household))
    assert page.status_code == 200
    assert "Motif de l" in page.content.decode()
    before = AccessLog.objects.count()
    for data in (
        {"format": "json", "reason": "court"},
        {"format": "exe", "reason": WHY},
        {"format": "json", "reason": "x" * 5000},
        {},
    ):
        response = client.post(url(household), data)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "errorlist" in html
    assert (
        "Assurez-vous que cette valeur comporte au moins 10"
        in client.post(url(household), {"format": "json", "reason": "court"}).content.decode()
    )
    assert AccessLog.objects.count() == before


def test_other_slsp_and_other_roles_get_404(world, client_for, household):
    for persona in ("referent_b", "accompagnateur_a", "coordinateur", "jury", "admin"):
        response = client_for(persona).post(url(household), {"format": "json", "reason": WHY})
        assert response.status_code == 404, persona


def test_household_page_links_to_export_and_log(world, client_for, household):
    page = client_for("direction_a").get(
        reverse("tenants:household", kwargs={"uuid": household.uuid})
    )
    html = page.content.decode()
    assert url(household) in html
    assert f"{reverse('privacy:access_log')}?menage={household.uuid}" in html
    html = (
        client_for("accompagnateur_a")
        .get(reverse("tenants:household", kwargs={"uuid": household.uuid}))
        .content.decode()
    )
    assert url(household) not in html


def test_export_query_count_does_not_grow(world, client_for):
    client = client_for("referent_a")
    one = make_rich_household(world.slsp_a, world.users["referent_a"])
    with CaptureQueriesContext(connection) as few:
        client.post(url(one), {"format": "json", "reason": WHY})
    many = make_rich_household(world.slsp_a, world.users["referent_a"])
    with scopes_disabled():
        from apps.accompaniment import services
        from apps.accompaniment.models import MomentKind

        follow_up = many.follow_ups.get()
        for _ in range(5):
            services.log_moment(
                many,
                world.users["referent_a"],
                kind=MomentKind.PHONE,
                date=follow_up.opened_on,
                duration_minutes=10,
                follow_up=follow_up,
                note="Appel",
            )
    with CaptureQueriesContext(connection) as more:
        response = client.post(url(many), {"format": "json", "reason": WHY})
    assert len(json.loads(response.content)["moments"]) == 7
    assert len(more) == len(few)

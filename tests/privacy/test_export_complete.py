"""Right of access holds everything: every model with rows about a household is in the
export (or named with its reason), and a household with a row in each of them finds
each row in the JSON, the PDF and the ZIP archive."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import ForeignKey, Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from apps.accompaniment import attachments, services
from apps.accompaniment.models import (
    Consent,
    FollowUp,
    Moment,
    MomentKind,
    Outcome,
    WithdrawalPurpose,
)
from apps.accounts.models import AccessLog
from apps.privacy import export, queries
from apps.referrals.models import LinkPurpose, Referral, ReferralLink, ReferralLinkUse
from apps.tenants.models import Household, ImportChange, ImportJob
from tests.accompaniment.test_attachments import pdf_bytes
from tests.privacy.factories import make_rich_household

pytestmark = pytest.mark.django_db
WHY = "Demande d'accès du locataire reçue le 12/11"
WITHDRAWAL_REASON = "Ne souhaite plus que le CPAS reçoive ses données"
REOPEN_REASON = "Nouvel arriéré signalé par le service contentieux"
CLOSING_NOTE = "Plan d'apurement respecté pendant six mois"
CORRECTION_REASON = "Type choisi par erreur : c'était une visite à domicile"
TITLE = "Plan d'apurement signé"


def _links_to_a_household(model: type[Model], seen: frozenset[str] = frozenset()) -> bool:
    """Whether rows of `model` are about one household: a foreign key to the household,
    or to a model whose rows are (a consent, a follow-up, a referral...)."""
    if model is Household:
        return True
    label = model._meta.label
    for field in model._meta.concrete_fields:
        if isinstance(field, ForeignKey) and field.related_model._meta.label not in seen:
            related = field.related_model
            if related is Household or _links_to_a_household(related, seen | {label}):
                return True
    return False


def test_every_model_about_a_household_is_exported_or_named():
    dossier_models = set(export.EXPORTED) | set(export.NOT_EXPORTED)
    about_households = {
        m._meta.label
        for m in apps.get_models()
        if m is not Household and _links_to_a_household(m, frozenset({"accounts.User"}))
    }
    assert about_households - dossier_models == set(), "add them to household_dossier"
    assert set(export.EXPORTED) & set(export.NOT_EXPORTED) == set()


def test_each_exported_model_has_its_section(world):
    household = make_rich_household(world.slsp_a, world.users["referent_a"])
    with scope(slsp=[world.slsp_a.pk]):
        data = export.household_export(household)
    for label, section in export.EXPORTED.items():
        top, _, inner = section.partition(".")
        assert top in data, label
        if inner:
            assert all(inner in row for row in data[top]), label


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def corrected(world, media):
    """A household whose consent was withdrawn for one partner, whose follow-up was
    closed and reopened, whose moment was corrected, with a document, a partner's visit
    and a change by import."""
    user = world.users["referent_a"]
    household = make_rich_household(world.slsp_a, user)
    with scope(slsp=[world.slsp_a.pk]):
        consent = Consent.objects.get(household=household)
        partner = consent.share_with.get()
        services.withdraw_consent(
            consent, user=user, partners=[partner], follow_up=False, reason=WITHDRAWAL_REASON
        )
        follow_up = FollowUp.objects.get(household=household)
        services.close_follow_up(follow_up, outcome=Outcome.STABILISED, note=CLOSING_NOTE)
        services.reopen_follow_up(follow_up, user, reason=REOPEN_REASON)
        moment = Moment.objects.filter(household=household).order_by("pk").first()
        services.correct_moment(
            moment,
            user,
            reason=CORRECTION_REASON,
            kind=MomentKind.HOME_VISIT,
            date=moment.date,
            duration_minutes=60,
            follow_up=follow_up,
            note=moment.note,
        )
        attachment = attachments.attach(
            user=user,
            owner=follow_up,
            title=TITLE,
            upload=SimpleUploadedFile("plan.pdf", pdf_bytes(), "application/pdf"),
        )
    with scopes_disabled():
        referral = Referral.objects.get(household=household)
        link = ReferralLink.objects.create(
            slsp=world.slsp_a,
            referral=referral,
            purpose=LinkPurpose.ANSWER,
            nonce="n-export-test",
            recipient_email="cpas@example.org",
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
        ReferralLinkUse.objects.create(
            slsp=world.slsp_a,
            household=household,
            link=link,
            action=ReferralLinkUse.Action.VIEW,
        )
        job = ImportJob.objects.create(
            slsp=world.slsp_a, created_by=user, filename="export-locataires.xlsx", data=b""
        )
        ImportChange.objects.create(
            slsp=world.slsp_a,
            job=job,
            household=household,
            reference=household.reference,
            kind=ImportChange.Kind.MODIFIED,
            subject="Bail",
            field="début",
            old="01/03/2015",
            new="01/04/2015",
        )
    return household, attachment


def _post(client, household, fmt):
    return client.post(
        reverse("privacy:household_export", kwargs={"uuid": household.uuid}),
        {"format": fmt, "reason": WHY},
    )


def test_json_holds_withdrawals_reopenings_corrections_documents_and_histories(
    world, client_for, corrected
):
    household, attachment = corrected
    data = json.loads(_post(client_for("referent_a"), household, "json").content)
    assert data["format"] == "slsp-referent/export-menage/2"
    (withdrawal,) = data["consentements"][0]["retraits"]
    assert withdrawal["objet"] == WithdrawalPurpose.SHARING
    assert withdrawal["motif"] == WITHDRAWAL_REASON
    assert withdrawal["partenaire"]
    follow_up = data["suivis"][0]
    assert follow_up["cloture_le"] is None  # reopened
    (reopening,) = follow_up["reouvertures"]
    assert (reopening["motif"], reopening["note_de_cloture_precedente"]) == (
        REOPEN_REASON,
        CLOSING_NOTE,
    )
    (revision,) = data["corrections_de_moments"]
    assert revision["motif"] == CORRECTION_REASON
    changed = {c["champ"]: (c["avant"], c["apres"]) for c in revision["changements"]}
    assert changed["Type"][1] == "Visite à domicile"
    assert changed["Durée"] == ("45 min", "60 min")
    (document,) = data["pieces_jointes"]
    assert document["intitule"] == TITLE
    assert document["rattachee_a"] == {"type": "suivi", "uuid": follow_up["uuid"]}
    assert document["fichier"] == f"pieces-jointes/{attachment.uuid}.pdf"
    (visit,) = data["consultations_par_les_partenaires"]
    assert visit["orientation"] == data["orientations"][0]["uuid"]
    (change,) = data["modifications_par_import"]
    assert (change["ancienne_valeur"], change["nouvelle_valeur"]) == ("01/03/2015", "01/04/2015")
    history = data["historique_des_modifications"]
    kinds = {(e["objet"], e["evenement"]) for e in history}
    assert {("consent", "insert"), ("follow_up", "update"), ("moment", "update")} <= kinds
    closing = [e for e in history if e["valeurs"].get("issue") == Outcome.STABILISED.label]
    assert closing and closing[0]["uuid"] == follow_up["uuid"]
    # Earlier values only; never a sensitive note's text.
    assert "Suivi psychiatrique" not in json.dumps(history, ensure_ascii=False)


def test_pdf_and_zip_show_the_same(world, client_for, corrected):
    household, attachment = corrected
    pdf = _post(client_for("direction_a"), household, "pdf")
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    for expected in (WITHDRAWAL_REASON, REOPEN_REASON, CLOSING_NOTE, CORRECTION_REASON, TITLE):
        assert expected in text, expected
    for heading in (
        "Documents joints",
        "Consultations par les partenaires",
        "Modifications par import",
        "Historique des modifications",
    ):
        assert heading in text, heading
    response = _post(client_for("referent_a"), household, "zip")
    assert response.status_code == 200
    # Each document in the archive is in the access log, with the export's reason.
    logged = AccessLog.objects.filter(object_type="accompaniment.attachment")
    assert list(logged.values_list("object_id", "reason", "subject_household")) == [
        (str(attachment.uuid), WHY, household.pk)
    ]
    assert response["Content-Type"] == "application/zip"
    assert f'filename="export-menage-{household.uuid}.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("donnees.json"))
    assert archive.read("donnees.pdf").startswith(b"%PDF")
    (document,) = data["pieces_jointes"]
    with attachment.file.open("rb") as stored:
        assert archive.read(document["fichier"]) == stored.read()


def test_the_dossier_reads_a_fixed_number_of_queries(world, corrected):
    household, _attachment = corrected
    with scope(slsp=[world.slsp_a.pk]):
        with CaptureQueriesContext(connection) as one:
            queries.household_dossier(household)
        user = world.users["referent_a"]
        for _ in range(3):
            moment = services.log_moment(
                household,
                user,
                kind=MomentKind.PHONE,
                date=datetime.date.today(),
                duration_minutes=10,
                note="Appel",
            )
            services.delete_moment(moment, user, reason="Encodé deux fois par erreur")
        with CaptureQueriesContext(connection) as more:
            queries.household_dossier(household)
    assert len(more) == len(one)

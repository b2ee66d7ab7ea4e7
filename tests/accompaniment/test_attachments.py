"""Documents joined to consents, follow-ups and moments: checked by content, limited in
size, stored through the storage API, downloaded only through the authorised view (and
logged), deleted after a confirmation, erased with the household."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image
from pypdf import PdfWriter

from apps.accompaniment import attachments
from apps.accompaniment.models import Attachment, Consent, FollowUp, Moment
from apps.accounts.models import AccessLog
from apps.privacy import services as privacy
from tests.privacy.factories import make_rich_household

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def household(world):
    return make_rich_household(world.slsp_a, world.users["referent_a"])


def owners(household):
    with scopes_disabled():
        return {
            "consentement": Consent.objects.get(household=household),
            "suivi": FollowUp.objects.get(household=household),
            "moment": Moment.objects.filter(household=household).order_by("pk").first(),
        }


def upload_url(owner_type, owner) -> str:
    return reverse(
        "accompaniment:attachment_upload", kwargs={"owner_type": owner_type, "uuid": owner.uuid}
    )


def add(household, owner_type="consentement", title="Formulaire signé", content=None, name=None):
    """Attach through the service (as the référent)."""
    owner = owners(household)[owner_type]
    content = content if content is not None else pdf_bytes()
    upload = SimpleUploadedFile(name or "scan.pdf", content)
    with scopes_disabled():
        return attachments.attach(
            user=owner.recorded_by if owner_type == "consentement" else _referent(owner),
            owner=owner,
            title=title,
            upload=upload,
        )


def _referent(owner):
    return getattr(owner, "opened_by", None) or owner.author


def count() -> int:
    with scopes_disabled():
        return Attachment.objects.count()


# --- Upload -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner_type", "name", "content", "kind"),
    [
        ("consentement", "formulaire.pdf", "pdf", "pdf"),
        ("suivi", "plan.jpg", "JPEG", "jpeg"),
        ("moment", "courrier.png", "PNG", "png"),
    ],
)
def test_referent_attaches_a_file_to_each_kind_of_object(
    world, client_for, household, owner_type, name, content, kind
):
    owner = owners(household)[owner_type]
    data = pdf_bytes() if content == "pdf" else image_bytes(content)
    response = client_for("referent_a").post(
        upload_url(owner_type, owner),
        {"title": "Pièce au dossier", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 302
    with scopes_disabled():
        attachment = Attachment.objects.get()
    assert attachment.file_kind == kind
    assert (
        getattr(
            attachment,
            {"consentement": "consent", "suivi": "follow_up"}.get(owner_type, owner_type),
        )
        == owner
    )
    # Stored through the storage API under a random name: nothing of the user's name.
    assert default_storage.exists(attachment.file.name)
    assert attachment.file.name.startswith("attachments/") and name not in attachment.file.name
    with default_storage.open(attachment.file.name) as handle:
        assert handle.read() == data
    # Listed beside its object on the household page, with its download link.
    page = client_for("referent_a").get(
        reverse("tenants:household", kwargs={"uuid": household.uuid})
    )
    body = page.content.decode()
    assert "Pièce au dossier" in body
    assert reverse("accompaniment:attachment_download", kwargs={"uuid": attachment.uuid}) in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("courrier.png", "pdf", "en réalité un PDF"),
        ("formulaire.pdf", "html", "Type de fichier refusé"),
        ("photo.jpg", "html", "Type de fichier refusé"),
        ("photo.png", "JPEG", "en réalité un JPEG"),
        ("page.html", "html", "Type de fichier refusé"),
    ],
)
def test_a_file_is_judged_by_its_content_and_a_refusal_keeps_what_was_typed(
    client_for, household, media, name, content, message
):
    data = {"pdf": pdf_bytes, "html": lambda: HTML}.get(content, lambda: image_bytes(content))()
    owner = owners(household)["consentement"]
    response = client_for("referent_a").post(
        upload_url("consentement", owner),
        {"title": "Formulaire signé du 3 mars", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body.replace("&#x27;", "'").replace("&#39;", "'")
    assert 'value="Formulaire signé du 3 mars"' in body
    assert count() == 0
    assert not list(media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(settings, client_for, household, media):
    settings.ATTACHMENT_MAX_BYTES = 1000
    owner = owners(household)["suivi"]
    big = image_bytes("PNG") + b"\0" * 2000
    response = client_for("referent_a").post(
        upload_url("suivi", owner), {"title": "Plan", "file": SimpleUploadedFile("plan.png", big)}
    )
    assert response.status_code == 200
    assert "trop volumineux" in response.content.decode()
    assert count() == 0 and not list(media.rglob("*.*"))


def test_a_title_is_required(client_for, household):
    owner = owners(household)["moment"]
    response = client_for("referent_a").post(
        upload_url("moment", owner),
        {"title": "", "file": SimpleUploadedFile("a.pdf", pdf_bytes())},
    )
    assert response.status_code == 200
    assert "obligatoire" in response.content.decode()
    assert count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("referent_a", 200),
        ("accompagnateur_a", 200),
        ("direction_a", 404),
        ("referent_b", 404),
        ("coordinateur", 404),
        ("jury", 404),
        ("admin", 404),
    ],
)
def test_who_may_attach(client_for, household, persona, status):
    owner = owners(household)["consentement"]
    assert client_for(persona).get(upload_url("consentement", owner)).status_code == status
    response = client_for(persona).post(
        upload_url("consentement", owner),
        {"title": "x", "file": SimpleUploadedFile("a.pdf", pdf_bytes())},
    )
    assert response.status_code == (302 if status == 200 else 404)
    assert count() == (1 if status == 200 else 0)


def test_an_unknown_owner_type_is_not_found(client_for, household):
    owner = owners(household)["consentement"]
    url = reverse(
        "accompaniment:attachment_upload", kwargs={"owner_type": "menage", "uuid": owner.uuid}
    )
    assert client_for("referent_a").get(url).status_code == 404


# --- Download -----------------------------------------------------------------------


def download_url(attachment) -> str:
    return reverse("accompaniment:attachment_download", kwargs={"uuid": attachment.uuid})


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("referent_a", 200),
        ("accompagnateur_a", 200),
        ("direction_a", 200),
        ("referent_b", 404),
        ("coordinateur", 404),
        ("jury", 404),
        ("admin", 404),
    ],
)
def test_download_is_an_attachment_for_those_who_see_the_household(
    client_for, household, persona, status
):
    attachment = add(
        household, content=image_bytes("PNG"), name="photo.png", title="Photo du compteur"
    )
    response = client_for(persona).get(download_url(attachment))
    assert response.status_code == status
    logs = AccessLog.objects.filter(object_type="accompaniment.attachment")
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="photo-du-compteur.png"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "image/png"
        # Consumed, not closed by hand: the test client closes it without the DB.
        assert b"".join(response.streaming_content) == image_bytes("PNG")
        log = logs.get()
        assert log.object_id == str(attachment.uuid)
        assert log.subject_household == household.pk
    else:
        assert not logs.exists()


def test_every_download_is_logged(client_for, household):
    attachment = add(household)
    client = client_for("direction_a")
    for _ in range(3):
        response = client.get(download_url(attachment))
        assert response.status_code == 200
        b"".join(response.streaming_content)
    logs = AccessLog.objects.filter(
        object_type="accompaniment.attachment", object_id=str(attachment.uuid)
    )
    assert logs.count() == 3
    assert {log.view_name for log in logs} == {"accompaniment:attachment_download"}


def test_anonymous_is_sent_to_sign_in(client, household):
    attachment = add(household)
    response = client.get(download_url(attachment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_no_public_media_url_serves_the_file(client_for, household):
    attachment = add(household)
    response = client_for("referent_a").get("/media/" + attachment.file.name)
    assert response.status_code == 404


# --- Delete -------------------------------------------------------------------------


def delete_url(attachment) -> str:
    return reverse("accompaniment:attachment_delete", kwargs={"uuid": attachment.uuid})


def test_delete_confirms_first_then_removes_row_and_file(
    client_for, household, django_capture_on_commit_callbacks
):
    attachment = add(household, "suivi", title="Plan d'apurement signé")
    name = attachment.file.name
    client = client_for("referent_a")
    page = client.get(delete_url(attachment))
    assert page.status_code == 200
    assert (
        "Plan d&#x27;apurement signé" in page.content.decode()
        or "Plan d'apurement signé" in page.content.decode()
    )
    assert count() == 1 and default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(attachment))
    assert response.status_code == 302
    assert count() == 0
    assert not default_storage.exists(name)


@pytest.mark.parametrize("persona", ["direction_a", "referent_b", "coordinateur", "jury", "admin"])
def test_others_may_not_delete(client_for, household, persona):
    attachment = add(household)
    assert client_for(persona).get(delete_url(attachment)).status_code == 404
    assert client_for(persona).post(delete_url(attachment)).status_code == 404
    assert count() == 1


def test_deleting_a_moment_takes_its_files_along(
    world, household, django_capture_on_commit_callbacks
):
    from apps.accompaniment import services

    attachment = add(household, "moment", content=image_bytes("JPEG"), name="a.jpg")
    name = attachment.file.name
    with scopes_disabled():
        moment = attachment.moment
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_moment(moment, world.users["referent_a"], reason="Saisi par erreur")
    assert count() == 0
    assert not default_storage.exists(name)


# --- Erasure ------------------------------------------------------------------------


def test_erasure_removes_the_rows_and_the_stored_files(world, django_capture_on_commit_callbacks):
    ended = datetime.date.today() - datetime.timedelta(days=7 * 366)
    due = make_rich_household(world.slsp_a, world.users["referent_a"], ended=ended)
    kept = make_rich_household(world.slsp_a, world.users["referent_a"])
    names = [add(due, kind).file.name for kind in ("consentement", "suivi", "moment")]
    kept_name = add(kept).file.name
    assert all(default_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        erasure = privacy.erase_household(due.pk)
    assert erasure is not None and erasure.counts["pieces_jointes"] == 3
    assert not any(default_storage.exists(n) for n in names)
    with scopes_disabled():
        assert list(Attachment.objects.values_list("file", flat=True)) == [kept_name]
    assert default_storage.exists(kept_name)


# --- Query bounds -------------------------------------------------------------------


def test_household_page_queries_do_not_grow_with_attachments(client_for, household):
    """One query lists every attachment of the household, whatever their number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("referent_a")
    url = reverse("tenants:household", kwargs={"uuid": household.uuid})

    def queries_with(n: int) -> int:
        for kind in ("consentement", "suivi", "moment"):
            for i in range(n):
                add(household, kind, title=f"Doc {kind} {n}-{i}")
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.content.decode().count("Doc ") >= 3 * n
        return len(captured)

    one = queries_with(1)
    assert queries_with(3) == one


def test_download_query_bound(client_for, household, django_assert_max_num_queries):
    attachment = add(household)
    client = client_for("referent_a")
    b"".join(client.get(download_url(attachment)).streaming_content)
    with django_assert_max_num_queries(12):
        b"".join(client.get(download_url(attachment)).streaming_content)


def test_a_planned_appointment_takes_no_document_until_done(client_for, household):
    with scopes_disabled():
        moment = owners(household)["moment"]
        Moment.objects.filter(pk=moment.pk).update(planned=True)
    response = client_for("referent_a").post(
        upload_url("moment", moment),
        {"title": "Convocation", "file": SimpleUploadedFile("c.pdf", pdf_bytes())},
    )
    assert response.status_code == 404
    assert count() == 0

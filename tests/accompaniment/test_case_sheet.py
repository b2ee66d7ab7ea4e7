"""The household's case sheet (page with a print stylesheet, and PDF): what its reader
may see, by the same sections as the household page; sensitive notes by the one rule
(apps.accompaniment.sensitive); every sheet access-logged."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope
from pypdf import PdfReader

from apps.accompaniment import services
from apps.accompaniment.models import MomentKind
from apps.accounts.models import AccessLog
from tests.privacy.factories import (
    LAST_NAME,
    MOMENT_NOTE,
    OBJECTIVE,
    REASON,
    SENSITIVE,
    make_rich_household,
)

pytestmark = pytest.mark.django_db
WHY = "Passation du dossier à Mme Dubois"
WITHHELD = "Note sensible (non incluse)"


@pytest.fixture
def household(world):
    return make_rich_household(world.slsp_a, world.users["referent_a"])


def page_url(household) -> str:
    return reverse("accompaniment:case_sheet", kwargs={"uuid": household.uuid})


def pdf_url(household) -> str:
    return reverse("accompaniment:case_sheet_pdf", kwargs={"uuid": household.uuid})


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def sensitive_reads():
    return AccessLog.objects.filter(object_type="accompaniment.moment").exclude(reason=REASON)


def test_the_sheet_shows_the_household_page_sections(client_for, household):
    response = client_for("referent_a").get(page_url(household))
    assert response.status_code == 200
    body = text(response)
    for expected in (LAST_NAME, OBJECTIVE, MOMENT_NOTE, "Orientations vers des partenaires"):
        assert expected in body
    assert "css/case_sheet.css" in body
    # Without a reason, no sensitive note, even for who may read it.
    assert SENSITIVE not in body and WITHHELD in body
    assert not sensitive_reads().exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_direction_sheet_never_shows_a_sensitive_note(client_for, household, method):
    client = client_for("direction_a")
    for url in (page_url(household), pdf_url(household)):
        response = getattr(client, method)(url, {"reason": WHY} if method == "post" else None)
        assert response.status_code == 200
        content = pdf_text(response.content) if url.endswith(".pdf") else text(response)
        assert SENSITIVE not in content
        assert WITHHELD in content and OBJECTIVE in content
    assert not sensitive_reads().exists()


def test_referent_sheet_shows_sensitive_notes_with_a_reason_each_read_logged(client_for, household):
    client = client_for("referent_a")
    page = client.get(page_url(household))
    assert 'name="reason"' in text(page)  # offered to who may read
    response = client.post(page_url(household), {"reason": WHY})
    assert response.status_code == 200
    assert SENSITIVE in text(response)
    pdf = client.post(pdf_url(household), {"reason": WHY})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="fiche-menage-{household.uuid}.pdf"'
    content = pdf_text(pdf.content)
    assert SENSITIVE in content and OBJECTIVE in content and LAST_NAME in content
    reads = sensitive_reads()
    assert reads.count() == 2 and {r.reason for r in reads} == {WHY}


def test_direction_is_not_offered_the_sensitive_notes(client_for, household):
    assert 'name="reason"' not in text(client_for("direction_a").get(page_url(household)))


def test_a_missing_reason_is_refused_in_french_and_reveals_nothing(client_for, household):
    client = client_for("referent_a")
    for url in (page_url(household), pdf_url(household)):
        response = client.post(url, {"reason": "  "})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert "obligatoire" in text(response)
        assert SENSITIVE not in text(response)
    assert not sensitive_reads().exists()


def test_pdf_without_reason_for_the_referent(client_for, household):
    response = client_for("referent_a").get(pdf_url(household))
    content = pdf_text(response.content)
    assert OBJECTIVE in content and MOMENT_NOTE in content
    assert SENSITIVE not in content and WITHHELD in content


def test_every_sheet_is_access_logged(client_for, household, world):
    client = client_for("direction_a")
    client.get(page_url(household))
    client.get(pdf_url(household))
    logs = AccessLog.objects.filter(
        object_type="tenants.household",
        subject_household=household.pk,
        user=world.users["direction_a"],
    )
    assert {log.view_name for log in logs} == {
        "accompaniment:case_sheet",
        "accompaniment:case_sheet_pdf",
    }


@pytest.mark.parametrize("persona", ["referent_b", "coordinateur", "jury", "admin"])
def test_others_get_404(client_for, household, persona):
    client = client_for(persona)
    assert client.get(page_url(household)).status_code == 404
    assert client.get(pdf_url(household)).status_code == 404
    assert client.post(pdf_url(household), {"reason": WHY}).status_code == 404


def test_anonymous_goes_to_sign_in(client, household):
    response = client.get(pdf_url(household))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_sheet_queries_do_not_grow_with_moments(client_for, household, world):
    client = client_for("referent_a")

    def queries() -> int:
        client.get(page_url(household))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(household)).status_code == 200
        return len(captured)

    before = queries()
    with scope(slsp=[household.slsp_id]):
        for _ in range(5):
            services.log_moment(
                household,
                world.users["referent_a"],
                kind=MomentKind.PHONE,
                date=household.tenancies.first().start_date,
                duration_minutes=10,
                note="Appel de suivi",
            )
    assert queries() == before

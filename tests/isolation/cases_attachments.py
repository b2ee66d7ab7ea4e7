"""URL classification of documents joined to consents, follow-ups and moments, and of
the household's case sheet."""

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from apps.accompaniment.models import Attachment
from tests.isolation.cases import STAFF_A, UrlCase, expect
from tests.isolation.cases_accompaniment import ACTORS, _consent
from tests.isolation.cases_tenants import _household

# Bytes are never parsed on download: a stand-in content is enough here.
PDF = b"%PDF-1.4\n%%EOF\n"


def _attachment(w):
    with scopes_disabled():
        consent = _consent(w)
        attachment = Attachment(
            slsp=w.slsp_a,
            household=consent.household,
            consent=consent,
            title="Formulaire signé",
            file_kind="pdf",
            size=len(PDF),
            uploaded_by=w.users["referent_a"],
        )
        attachment.file.save("x.pdf", ContentFile(PDF), save=False)
        attachment.save()
        return attachment


CASES = [
    UrlCase(
        "accompaniment:attachment_upload",
        expect(ok=ACTORS),
        kwargs=lambda w: {"owner_type": "consentement", "uuid": _consent(w).uuid},
        note="the upload form; the direction reads but does not add documents",
    ),
    UrlCase(
        "accompaniment:attachment_download",
        expect(ok=STAFF_A),
        kwargs=lambda w: {"uuid": _attachment(w).uuid},
        note="whoever sees the household page; each download access-logged",
    ),
    UrlCase(
        "accompaniment:attachment_delete",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _attachment(w).uuid},
        note="the confirmation page",
    ),
    UrlCase(
        "accompaniment:case_sheet",
        expect(ok=STAFF_A),
        kwargs=lambda w: {"uuid": _household(w).uuid},
        note="what the household page shows; sensitive notes only by reveal",
    ),
    UrlCase(
        "accompaniment:case_sheet_pdf",
        expect(ok=STAFF_A),
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
]

"""URL classification of the partner directory and the agreements ."""

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from tests.core.factories import pdf_bytes
from tests.isolation.cases import STAFF_A, UrlCase, expect
from tests.partners.factories import (
    AgreementFactory,
    PartnerContactFactory,
    PartnerFactory,
    SlspPartnerFactory,
)

DIRECTORY_READERS = (*STAFF_A, "referent_b", "coordinateur", "admin")
# The technical administrator reads the directory (and edits it in the Django admin);
# the views check the rules themselves, without Django's superuser bypass.
PARTNER_EDITORS = ("referent_a", "referent_b", "coordinateur")
REFERENTS = ("referent_a", "referent_b")


def _partner(w):
    if "partner" not in w.objects:
        with scopes_disabled():
            partner = PartnerFactory(name="CPAS de Gembloux", type="cpas", commune="Gembloux")
            SlspPartnerFactory(slsp=w.slsp_a, partner=partner)
        w.objects["partner"] = partner
    return w.objects["partner"]


def _agreement_a(w):
    """An agreement of SLSP A with a stored signed PDF."""
    if "agreement" not in w.objects:
        with scopes_disabled():
            agreement = AgreementFactory(slsp=w.slsp_a, partner=_partner(w))
            agreement.document.save("signed.pdf", ContentFile(pdf_bytes()), save=True)
        w.objects["agreement"] = agreement
    return w.objects["agreement"]


def _duplicate(w):
    with scopes_disabled():
        PartnerFactory(name="CPAS Gembloux", type="cpas", commune="Gembloux")
    return _partner(w)


CASES = [
    UrlCase("partners:directory", expect(ok=DIRECTORY_READERS)),
    UrlCase("partners:create", expect(ok=PARTNER_EDITORS)),
    UrlCase(
        "partners:detail", expect(ok=DIRECTORY_READERS), kwargs=lambda w: {"uuid": _partner(w).uuid}
    ),
    UrlCase(
        "partners:edit", expect(ok=PARTNER_EDITORS), kwargs=lambda w: {"uuid": _partner(w).uuid}
    ),
    UrlCase(
        "partners:contact_add",
        expect(ok=PARTNER_EDITORS),
        kwargs=lambda w: {"uuid": _partner(w).uuid},
    ),
    UrlCase(
        "partners:contact_edit",
        expect(ok=PARTNER_EDITORS),
        kwargs=lambda w: {"uuid": PartnerContactFactory(partner=_partner(w)).uuid},
    ),
    UrlCase(
        "partners:link",
        expect(ok=REFERENTS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _partner(w).uuid},
        data=lambda w: {"slsp": w.slsp_b.pk},
        note="each référent links to their own SLSP; a foreign SLSP id is refused (tests)",
    ),
    UrlCase(
        "partners:unlink",
        expect(ok=REFERENTS),
        kwargs=lambda w: {"uuid": _partner(w).uuid},
        note="the confirmation page; the POST is tested in tests/partners",
    ),
    UrlCase(
        "partners:merge",
        expect(ok=("coordinateur",)),
        kwargs=lambda w: {"uuid": _duplicate(w).uuid},
    ),
    UrlCase("partners:agreements", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase("partners:agreement_create", expect(ok=REFERENTS)),
    UrlCase(
        "partners:agreement_detail",
        expect(ok=STAFF_A),
        kwargs=lambda w: {"uuid": _agreement_a(w).uuid},
    ),
    UrlCase(
        "partners:agreement_edit",
        expect(ok=("referent_a",)),
        kwargs=lambda w: {"uuid": _agreement_a(w).uuid},
    ),
    UrlCase(
        "partners:agreement_document",
        expect(ok=STAFF_A),
        kwargs=lambda w: {"uuid": _agreement_a(w).uuid},
        note="the signed PDF is only ever served through this view",
    ),
]

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from apps.partners.models import Agreement, AgreementStatus, Partner, SlspPartner
from apps.slsps.models import Slsp

pytestmark = pytest.mark.django_db


def test_demo_directory_is_believable_linked_and_idempotent(seeded_demo):
    first, second = seeded_demo.counts(Partner, SlspPartner, Agreement)
    assert second == first
    with scopes_disabled():
        assert Partner.objects.filter(name="CPAS de Namur", type="cpas").exists()
        assert Partner.objects.filter(type="relais_social").count() == 7
        for slsp in Slsp.objects.filter(is_demo=True):
            assert SlspPartner.objects.filter(slsp=slsp).count() >= 6
        statuses = set(Agreement.objects.with_status().values_list("status", flat=True))
        assert {
            AgreementStatus.ACTIVE,
            AgreementStatus.EXPIRING,
            AgreementStatus.EXPIRED,
        } <= statuses
        documents = Agreement.objects.exclude(document="")
        assert 1 <= documents.count() <= 10
        for agreement in documents:
            with agreement.document.open("rb") as handle:
                assert len(PdfReader(handle).pages) == 1

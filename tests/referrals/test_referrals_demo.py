import pytest
from django.db.models import F
from django_scopes import scopes_disabled

from apps.accompaniment.queries import sharing_allowed
from apps.referrals.models import Referral, ReferralEvent, ReferralStatus
from apps.referrals.queries import network_of
from apps.slsps.models import Slsp

pytestmark = pytest.mark.django_db


def test_demo_referrals_in_every_status_for_every_demo_slsp(seeded_demo):
    (count,), second = seeded_demo.counts(Referral)
    assert second == (count,)  # idempotent
    with scopes_disabled():
        demo = list(Slsp.objects.filter(is_demo=True))
        assert demo
        for slsp in demo:
            statuses = set(Referral.objects.filter(slsp=slsp).values_list("status", flat=True))
            assert statuses == set(ReferralStatus.values), slsp
            network = network_of(slsp)
            assert network["overall"].answered >= 5
            assert network["overall"].median is not None
        # Believable: dates in order, consent and agreement behind every referral.
        assert not Referral.objects.filter(answered_at__lt=F("sent_at")).exists()
        assert not Referral.objects.filter(closed_at__lt=F("started_at")).exists()
        for referral in Referral.objects.select_related("household", "partner")[:40]:
            assert sharing_allowed(referral.household, referral.partner)
            assert referral.agreement.shares_data
        assert ReferralEvent.objects.count() >= 3 * count

"""The partner's public link, requested by every persona with every kind of bad token:
wrong (forged), signed for another purpose, expired, reused, revoked, and a valid token
of another referral. All refused: no data shown, nothing changed, never a 500."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.referrals import services as referrals
from apps.referrals.models import Referral, ReferralEvent, ReferralLink, ReferralStatus
from tests.conftest import PERSONAS
from tests.referrals.factories import make_sent_referral, referral_setup

KINDS = ("forged", "other_salt", "expired", "reused", "revoked", "other_referral")


def _bad_url(world, kind):
    user = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, user)
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        link = ReferralLink.objects.get(referral=referral)
        token = referrals.make_token(link)
        if kind == "forged":
            token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        elif kind == "other_salt":
            token = signing.TimestampSigner(salt="something-else").sign_object(
                {"r": str(referral.uuid), "n": link.nonce}, compress=True
            )
        elif kind == "expired":
            link.expires_at = timezone.now() - datetime.timedelta(minutes=1)
            link.save(update_fields=["expires_at"])
        elif kind == "reused":
            referrals.act_on_link(link, "refuse", base_url="http://testserver/")
        elif kind == "revoked":
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        elif kind == "other_referral":
            # A valid token of referral 1, presented on the URL of referral 2 (SLSP B).
            other = make_sent_referral(
                referral_setup(world.slsp_b, world.users["referent_b"]), world.users["referent_b"]
            )
            return (
                referral,
                reverse("referrals:referral_link", kwargs={"uuid": other.uuid, "token": token}),
                other,
            )
    url = reverse("referrals:referral_link", kwargs={"uuid": referral.uuid, "token": token})
    return referral, url, referral


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", KINDS)
def test_bad_partner_link_is_refused(persona, kind, world):
    source, url, target = _bad_url(world, kind)
    with scopes_disabled():
        before = (
            Referral.objects.get(pk=target.pk).status,
            ReferralEvent.objects.count(),
        )
    client = world.client_for(persona)
    response = client.get(url)
    assert response.status_code in (404, 410), (kind, persona, response.status_code)
    body = response.content.decode()
    assert "Ce lien ne permet plus rien" in body
    # Nothing personal shows: neither household name nor the reason.
    with scopes_disabled():
        for referral in {source, target}:
            assert referral.household.display_name not in body
            assert referral.reason not in body
    response = client.post(url, {"action": "accept"})
    assert response.status_code in (404, 410)
    with scopes_disabled():
        after = (
            Referral.objects.get(pk=target.pk).status,
            ReferralEvent.objects.count(),
        )
    assert after == before
    if kind == "reused":
        assert before[0] == ReferralStatus.REFUSED

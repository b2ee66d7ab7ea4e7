"""Withdrawing a consent through its confirmation page: partial (one partner, or the
follow-up only), dated and with a reason, its consequences shown before anything is
written and computed as the withdrawal then does; the partners whose referrals stop are
told by e-mail, without the household's name."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accompaniment.models import (
    Consent,
    ConsentWithdrawal,
    FollowUp,
    Objective,
    ObjectiveStatus,
    Outcome,
)
from apps.referrals import services as referrals
from apps.referrals.models import Referral, ReferralStatus
from tests.referrals.factories import (
    TODAY,
    make_network_partner,
    make_sent_referral,
    referral_setup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(world):
    return world.users["referent_a"]


@pytest.fixture
def two_partners(world, user):
    """A consent to a follow-up and to sharing with two partners, a sent referral to each."""
    setup = referral_setup(world.slsp_a, user, name="CPAS d'Arlon")
    first = make_sent_referral(setup, user)
    other, _agreement = make_network_partner(world.slsp_a, name="Relais social")
    with scopes_disabled():
        setup.consent.share_with.add(other)
        second = referrals.propose_referral(
            setup.follow_up, user, partner=other, reason="Logement", shared_data=["identite"]
        )
        second = referrals.send_referral(
            second,
            user,
            recipient_email=referrals.default_recipient(second),
            base_url="http://testserver/",
        )
    return setup, first, second, other


def _url(consent):
    return reverse("accompaniment:consent_withdraw", kwargs={"uuid": consent.uuid})


def _choices(partners=(), follow_up=False, on=None, reason="Le ménage l'a demandé par écrit"):
    data = {
        "withdraw-withdrawn_on": (on or TODAY).isoformat(),
        "withdraw-partners": [str(p.pk) for p in partners],
        "withdraw-reason": reason,
    }
    if follow_up:
        data["withdraw-follow_up"] = "on"
    return data


def _preview_key(html: str) -> str:
    return re.search(r'name="withdraw-previewed" value="([^"]+)"', html).group(1)


def test_a_bare_click_withdraws_nothing(world, user, two_partners):
    """Wrong before: one POST without anything withdrew the whole consent."""
    setup, first, second, _other = two_partners
    client = world.client_for("referent_a")
    page = client.get(_url(setup.consent))
    assert page.status_code == 200
    assert "Date du retrait" in page.content.decode()
    response = client.post(_url(setup.consent))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choisissez ce que le ménage retire" in body or "obligatoire" in body
    with scopes_disabled():
        setup.consent.refresh_from_db()
        assert setup.consent.withdrawn_on is None and setup.consent.covers_follow_up
        assert not ConsentWithdrawal.objects.exists()
        assert Referral.objects.filter(status=ReferralStatus.CLOSED).count() == 0


def test_withdraw_for_one_partner_only(
    world, user, two_partners, django_capture_on_commit_callbacks
):
    setup, first, second, other = two_partners
    client = world.client_for("referent_a")
    choices = _choices(partners=[setup.partner])
    preview = client.post(_url(setup.consent), choices)
    html = preview.content.decode()
    # What it will stop, before anything is written: this partner's referral only.
    assert "Plus aucun partage de données avec CPAS d&#x27;Arlon" in html or (
        "Plus aucun partage de données avec CPAS d'Arlon" in html
    )
    assert "sera arrêtée" in html and "Relais social sera arrêtée" not in html
    assert "Le reste de ce consentement reste en vigueur" in html
    with scopes_disabled():
        assert not ConsentWithdrawal.objects.exists()
        first.refresh_from_db()
        assert first.status == ReferralStatus.SENT
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            _url(setup.consent), {**choices, "withdraw-previewed": _preview_key(html)}
        )
    assert done.status_code == 302
    with scopes_disabled():
        consent = Consent.objects.get(pk=setup.consent.pk)
        assert consent.withdrawn_on is None and consent.covers_follow_up
        assert list(consent.share_with.all()) == [other]
        (row,) = ConsentWithdrawal.objects.all()
        assert (row.partner, row.withdrawn_on, row.recorded_by) == (setup.partner, TODAY, user)
        assert row.reason == "Le ménage l'a demandé par écrit"
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == ReferralStatus.CLOSED and first.sharing_stopped_at
        assert second.status == ReferralStatus.SENT
        assert FollowUp.objects.get(pk=setup.follow_up.pk).is_open
    # The partner whose referral stopped is told to stop processing the data; no name of
    # the household, only what the link e-mails carry (the SLSP, the partner).
    (message,) = [m for m in mail.outbox if "cessez" in m.subject]
    assert message.to == [first.recipient_email]
    assert "ne plus utiliser les données" in message.body
    with scopes_disabled():
        for member in setup.household.members.all():
            assert member.last_name not in message.body
        assert setup.household.reference not in message.body
    # The household page says what was withdrawn.
    page = client.get(reverse("tenants:household", kwargs={"uuid": setup.household.uuid}))
    assert "partage avec CPAS" in page.content.decode()


def test_changed_choices_are_shown_again_before_acting(world, user, two_partners):
    setup, _first, _second, other = two_partners
    client = world.client_for("referent_a")
    html = client.post(_url(setup.consent), _choices(partners=[setup.partner])).content.decode()
    # Confirming other choices than those previewed shows their consequences first.
    response = client.post(
        _url(setup.consent),
        {**_choices(partners=[other]), "withdraw-previewed": _preview_key(html)},
    )
    assert response.status_code == 200
    assert "Relais social" in response.content.decode()
    with scopes_disabled():
        assert not ConsentWithdrawal.objects.exists()


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "dans le futur"),
        (TODAY - datetime.timedelta(days=400), "précède la date du consentement"),
    ],
)
def test_bad_date_keeps_what_was_typed(world, user, two_partners, on, message):
    setup, *_ = two_partners
    client = world.client_for("referent_a")
    response = client.post(
        _url(setup.consent), _choices(partners=[setup.partner], on=on, reason="Motif tapé ici")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "Motif tapé ici" in body
    with scopes_disabled():
        assert not ConsentWithdrawal.objects.exists()


def test_withdrawing_the_follow_up_closes_it_and_drops_open_objectives(world, user, two_partners):
    setup, first, second, _other = two_partners
    client = world.client_for("referent_a")
    choices = _choices(follow_up=True)
    html = client.post(_url(setup.consent), choices).content.decode()
    assert "Plan d&#x27;apurement" in html or "Plan d'apurement" in html  # the follow-up closing
    client.post(_url(setup.consent), {**choices, "withdraw-previewed": _preview_key(html)})
    with scopes_disabled():
        follow_up = FollowUp.objects.get(pk=setup.follow_up.pk)
        assert follow_up.outcome == Outcome.CONSENT_WITHDRAWN
        assert set(
            Objective.objects.filter(follow_up=follow_up).values_list("status", flat=True)
        ) == {ObjectiveStatus.DROPPED}
        consent = Consent.objects.get(pk=setup.consent.pk)
        # Sharing consent stays; the referrals rested on the closed follow-up, so they stop.
        assert not consent.covers_follow_up and consent.withdrawn_on is None
        assert consent.share_with.count() == 2
        assert Referral.objects.filter(status=ReferralStatus.CLOSED).count() == 2


def test_confirmation_page_queries_do_not_grow_with_referrals(
    world, user, django_assert_max_num_queries
):
    setup = referral_setup(world.slsp_a, user)
    client = world.client_for("referent_a")
    make_sent_referral(setup, user)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.post(_url(setup.consent), _choices(follow_up=True))
        return len(ctx)

    one = count()
    for _ in range(4):
        make_sent_referral(setup, user)
    with django_assert_max_num_queries(one):
        client.post(_url(setup.consent), _choices(follow_up=True))

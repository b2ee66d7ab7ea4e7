"""The partner's signed link: e-mailed when sent, accept / refuse / outcome, only what
the consent and the référent's choice allow, every use logged, a spent link inert."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accounts.models import AccessLog
from apps.referrals.models import (
    Referral,
    ReferralLink,
    ReferralLinkUse,
    ReferralStatus,
    SharedData,
)
from tests.referrals.factories import make_sent_referral, referral_setup

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"http://testserver(/accompagnement/partenaire/orientation/\S+/)")


def _link_from_mail(index=-1) -> str:
    return LINK_RE.search(mail.outbox[index].body).group(1)


@pytest.fixture
def user(world):
    return world.users["referent_a"]


@pytest.fixture
def sent(world, user, django_capture_on_commit_callbacks):
    setup = referral_setup(world.slsp_a, user, name="CPAS de Gembloux")
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_sent_referral(setup, user, shared=(SharedData.IDENTITY, SharedData.ADDRESS))
    return setup, referral


def test_sending_mails_a_signed_link_without_personal_data(sent):
    setup, referral = sent
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [referral.recipient_email]
    assert "accepter ou refuser" in message.body
    with scopes_disabled():
        assert setup.household.display_name not in message.body
    assert referral.reason not in message.body
    assert _link_from_mail()


def test_partner_accepts_then_reports_outcome(sent, django_capture_on_commit_callbacks):
    setup, referral = sent
    partner = Client()
    url = _link_from_mail()
    page = partner.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    with scopes_disabled():
        household = setup.household
        assert household.display_name in body  # identity was chosen
        unit = household.tenancies.first().unit
        assert unit.address in body  # address was chosen
        member = household.members.first()
    assert member.first_name not in body  # composition was not chosen
    assert "<dt>Impayés</dt>" not in body  # arrears were not chosen
    assert "<dt>Adresse</dt>" in body
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        done = partner.post(url, {"action": "accept", "note": "Rendez-vous le 3"})
    assert done.status_code == 200
    assert "second lien" in done.content.decode()
    with scopes_disabled():
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.ACCEPTED
        assert referral.answered_at and referral.answer_note == "Rendez-vous le 3"
        last = referral.events.order_by("-pk").first()
        assert last.by_link_id is not None and last.by_user_id is None
    # The answer link is spent: it does nothing any more.
    again = partner.post(url, {"action": "refuse"})
    assert again.status_code == 410
    assert "déjà été utilisé" in again.content.decode()
    # The outcome link came by e-mail (after the notification of the answer to the author).
    assert len(mail.outbox) == 3
    outcome_url = _link_from_mail()
    assert partner.post(outcome_url, {"action": "accept"}).status_code == 400
    assert partner.post(outcome_url, {"action": "start"}).status_code == 200
    # Closing needs an outcome: refused with a French message, nothing changed.
    bad = partner.post(outcome_url, {"action": "close", "outcome": ""})
    assert bad.status_code == 400
    assert "Choisissez le résultat" in bad.content.decode()
    with scopes_disabled():
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.IN_PROGRESS
    ok = partner.post(
        outcome_url, {"action": "close", "outcome": "objectif_atteint", "outcome_note": "Suivi"}
    )
    assert ok.status_code == 200
    assert partner.get(outcome_url).status_code == 410
    with scopes_disabled():
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.CLOSED
        assert referral.outcome == "objectif_atteint"
        actions = list(
            ReferralLinkUse.objects.filter(link__referral=referral)
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
        logs = list(AccessLog.objects.filter(view_name="referrals:referral_link"))
    assert actions.count("view") >= 1
    for action in ("accept", "start", "close", "refused"):
        assert action in actions
    assert logs and all(log.user_id is None for log in logs)
    # The token never lands in the access log.
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert all(token not in log.path for log in logs)


def test_partner_refuses(sent):
    _setup, referral = sent
    response = Client().post(_link_from_mail(), {"action": "refuse", "note": "Hors zone"})
    assert response.status_code == 200
    with scopes_disabled():
        referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFUSED
    assert referral.answer_note == "Hors zone"
    assert len(mail.outbox) == 1  # no outcome link after a refusal


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "supprimer"}, {"action": "close"}, {"action": "accept", "note": "x" * 5000}],
)
def test_bad_input_on_the_link_changes_nothing(sent, data):
    _setup, referral = sent
    response = Client().post(_link_from_mail(), data)
    assert response.status_code == 400
    with scopes_disabled():
        referral.refresh_from_db()
        link = ReferralLink.objects.get(referral=referral)
    assert referral.status == ReferralStatus.SENT
    assert link.used_at is None


def test_withdrawal_makes_the_link_show_nothing(sent, user):
    setup, referral = sent
    url = _link_from_mail()
    with scopes_disabled():
        services.withdraw_consent(setup.consent, user=user)
    response = Client().get(url)
    assert response.status_code == 410
    body = response.content.decode()
    with scopes_disabled():
        assert setup.household.display_name not in body
        assert referral.reason not in body
        assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CLOSED


def test_expired_consent_hides_data_but_link_still_answers(sent):
    """Consent ended by its own date (not withdrawn): the page shows no data."""
    setup, referral = sent
    with scopes_disabled():
        consent = setup.consent
        consent.expires_on = consent.given_on
        consent.save(update_fields=["expires_on"])
    response = Client().get(_link_from_mail())
    assert response.status_code == 200
    body = response.content.decode()
    with scopes_disabled():
        assert setup.household.display_name not in body
    assert "ne permet plus de vous montrer" in body

"""Referral pages through HTTP: create, send, record an answer, lists, network view and
partner statistics; bad input on every form; query counts that do not grow with rows."""

import re
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.referrals import services as referrals
from apps.referrals.models import Referral, ReferralEvent, ReferralStatus
from tests.referrals.factories import (
    make_network_partner,
    make_referral,
    make_sent_referral,
    referral_setup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(world):
    return world.users["referent_a"]


@pytest.fixture
def client(world):
    return world.client_for("referent_a")


def test_create_offers_only_partners_consent_and_agreement_allow(world, user, client):
    setup = referral_setup(world.slsp_a, user, name="CPAS de Namur")
    no_consent, _ = make_network_partner(world.slsp_a, name="Relais social urbain")
    no_clause, _ = make_network_partner(world.slsp_a, sharing=False, name="AIS du Namurois")
    with scopes_disabled():
        setup.consent.share_with.add(no_clause)
    url = reverse("referrals:referral_create", kwargs={"uuid": setup.follow_up.uuid})
    page = client.get(url).content.decode()
    assert "CPAS de Namur" in page
    assert "Relais social urbain" not in page
    assert "AIS du Namurois" not in page
    # Posting a partner that is not offered is refused in French, nothing saved.
    for partner in (no_consent, no_clause):
        response = client.post(url, {"partner": partner.pk, "reason": "Aide"})
        assert response.status_code == 200
        assert "n'est pas proposé" in unescape(response.content.decode())
    response = client.post(
        url, {"partner": setup.partner.pk, "reason": "Plan d'apurement", "shared_data": ["adresse"]}
    )
    with scopes_disabled():
        referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "referrals:referral_detail", kwargs={"uuid": referral.uuid}
    )
    assert referral.shared_data == ["adresse"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"partner": "", "reason": "x"},
        {"partner": "999999", "reason": "x"},
        {"partner": "abc", "reason": "x"},
        {"reason": "   "},
        {"reason": "x" * 2001},
        {"reason": "ok", "shared_data": ["tout"]},
        {"reason": "\x00"},
    ],
)
def test_create_bad_input(world, user, client, data):
    setup = referral_setup(world.slsp_a, user)
    data = {"partner": setup.partner.pk, **data}
    url = reverse("referrals:referral_create", kwargs={"uuid": setup.follow_up.uuid})
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode() or "message-error" in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not Referral.objects.exists()


def test_send_then_record_answers_from_the_detail_page(
    world, user, client, django_capture_on_commit_callbacks
):
    setup = referral_setup(world.slsp_a, user)
    referral = make_referral(setup, user)
    detail = reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid})
    page = client.get(detail).content.decode()
    assert "Envoyer l'orientation" in page
    send = reverse("referrals:referral_send", kwargs={"uuid": referral.uuid})
    # Bad e-mail: refused, still proposed, no mail.
    response = client.post(
        send, {"recipient_email": "pas-une-adresse", "confirm": "on"}, follow=True
    )
    assert "adresse de courriel valide" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            send, {"recipient_email": "cpas@example.be", "confirm": "on"}, follow=True
        )
    assert "Orientation envoyée" in response.content.decode()
    assert mail.outbox[-1].to == ["cpas@example.be"]
    move = reverse("referrals:referral_transition", kwargs={"uuid": referral.uuid})
    for data, message in [
        ({"status": "closed", "outcome": "partiel"}, "ne peut pas passer"),
        ({"status": "nimporte"}, "Sélectionnez un choix valide"),
        # The message names the field, as on the household page.
        ({}, "Nouveau statut : Ce champ est obligatoire"),
    ]:
        response = client.post(move, data, follow=True)
        assert message in response.content.decode(), data
    with scopes_disabled():
        assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    client.post(move, {"status": "accepted", "note": "Par téléphone"})
    client.post(move, {"status": "in_progress"})
    response = client.post(move, {"status": "closed"}, follow=True)
    assert "Choisissez le résultat" in response.content.decode()
    # Closing ends what the partner sees: a confirmation page first, nothing written.
    page = client.post(move, {"status": "closed", "outcome": "objectif_atteint"})
    assert "n&#x27;aura plus accès" in page.content.decode()
    with scopes_disabled():
        assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.IN_PROGRESS
    client.post(move, {"status": "closed", "outcome": "objectif_atteint", "confirmed": "1"})
    with scopes_disabled():
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.CLOSED
        assert ReferralEvent.objects.filter(referral=referral).count() == 5
    page = client.get(detail).content.decode()
    assert "Pris en charge, objectif atteint" in page
    assert "Par téléphone" in page


def test_household_page_shows_referrals_and_the_refer_button(world, user, client):
    setup = referral_setup(world.slsp_a, user, name="CPAS de Namur")
    make_sent_referral(setup, user)
    page = client.get(reverse("tenants:household", kwargs={"uuid": setup.household.uuid}))
    body = page.content.decode()
    assert "Orientations vers des partenaires" in body
    assert "CPAS de Namur" in body
    assert reverse("referrals:referral_create", kwargs={"uuid": setup.follow_up.uuid}) in body
    # The direction reads, without the button.
    direction = world.client_for("direction_a").get(
        reverse("tenants:household", kwargs={"uuid": setup.household.uuid})
    )
    assert "CPAS de Namur" in direction.content.decode()
    assert "/orienter/" not in direction.content.decode()


def test_list_filters_bad_input(world, user, client):
    setup = referral_setup(world.slsp_a, user)
    make_referral(setup, user)
    url = reverse("referrals:referrals")
    for query in ({"status": "x"}, {"partner": "abc"}, {"page": "-1"}, {"page": "zz"}):
        assert client.get(url, query).status_code == 200
    assert "1 orientation" in client.get(url, {"status": "proposed"}).content.decode()
    assert "0 orientation" in client.get(url, {"status": "closed"}).content.decode()


def _rows(world, user, n):
    """n referrals of SLSP A, each to its own partner, in varied statuses."""
    setup = referral_setup(world.slsp_a, user, type="cpas")
    with scopes_disabled():
        for index in range(n):
            partner, _ = make_network_partner(
                world.slsp_a, type=("cpas", "ais", "pcs", "sante_mentale")[index % 4]
            )
            setup.consent.share_with.add(partner)
            setup.partner = partner
            referral = make_referral(setup, user)
            if index % 3:
                referral = referrals.send_referral(
                    referral, user, recipient_email="cpas@example.be", base_url="http://t/"
                )
            if index % 3 == 2:
                referrals.transition(referral, "accepted", user=user)
    return setup


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["referent_a", "coordinateur"])
def test_query_counts_do_not_grow_with_rows(world, user, persona):
    client = world.client_for(persona)
    counts = {}
    done = 0
    for n in (1, 3, 50):
        setup = _rows(world, user, n - done)
        done = n
        urls = [
            reverse("referrals:network_slsp", kwargs={"uuid": world.slsp_a.uuid}),
            reverse("referrals:partner_stats", kwargs={"uuid": setup.partner.uuid}),
        ]
        if persona == "referent_a":
            urls.append(reverse("referrals:referrals"))
            urls.append(reverse("tenants:household", kwargs={"uuid": setup.household.uuid}))
        counts[n] = [_count(client, url) for url in urls]
    assert counts[1] == counts[3] == counts[50], counts


def test_network_page_draws_svg_and_coordinator_sees_counts_only(world, user):
    _rows(world, user, 6)
    url = reverse("referrals:network_slsp", kwargs={"uuid": world.slsp_a.uuid})
    staff = world.client_for("referent_a").get(url).content.decode()
    assert staff.count("<svg") == 3
    assert "Orientations par type de partenaire" in staff
    assert "CPAS" in staff
    coordinator = world.client_for("coordinateur").get(url).content.decode()
    assert coordinator.count("<svg") == 3
    assert "&lt;5" in coordinator
    # A hidden count draws no bar (its length would tell), and no unit follows a dash.
    assert "— %" not in coordinator and "— j" not in coordinator
    charts = coordinator.split("<svg")[1:]
    # (apps/core/charts.py draws no rect at all for it: fewer bars than rows.)
    assert all(chart.count("<rect") < chart.count('<tspan x="') for chart in charts)
    with scopes_disabled():
        for referral in Referral.objects.select_related("household"):
            assert referral.household.display_name not in coordinator
            assert referral.reason not in coordinator


def test_withdrawal_from_the_household_page_closes_open_referrals(world, user, client):
    from apps.accounts.models import AccessLog

    setup = referral_setup(world.slsp_a, user)
    referral = make_sent_referral(setup, user)
    url = reverse("accompaniment:consent_withdraw", kwargs={"uuid": setup.consent.uuid})
    # A bare POST withdraws nothing: it asks for the date, the reason and what is withdrawn.
    assert client.post(url).status_code == 200
    with scopes_disabled():
        referral.refresh_from_db()
        assert referral.status != ReferralStatus.CLOSED
    choices = {
        "withdraw-withdrawn_on": setup.consent.given_on.isoformat(),
        "withdraw-follow_up": "on",
        "withdraw-partners": [str(setup.partner.pk)],
        "withdraw-reason": "Le ménage ne souhaite plus d'accompagnement",
    }
    preview = client.post(url, choices).content.decode()
    assert "sera arrêtée" in preview
    key = re.search(r'name="withdraw-previewed" value="([^"]+)"', preview).group(1)
    response = client.post(url, {**choices, "withdraw-previewed": key}, follow=True)
    assert "Retrait du consentement enregistré" in response.content.decode()
    with scopes_disabled():
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.CLOSED
        assert referral.sharing_stopped_at is not None
        assert referral.events.order_by("-pk").first().by_user == user
    detail = client.get(reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid}))
    body = detail.content.decode()
    assert "le partage avec ce partenaire est arrêté" in body
    assert "Noter une réponse" not in body  # nothing moves a stopped referral
    with scopes_disabled():
        assert AccessLog.objects.filter(
            view_name="referrals:referral_detail", object_id=str(setup.household.uuid)
        ).exists()


def test_partner_directory_page_shows_referral_statistics(world, user):
    setup = referral_setup(world.slsp_a, user, name="CPAS de Namur")
    with scopes_disabled():
        referrals.transition(make_sent_referral(setup, user), "accepted", user=user)
    url = reverse("partners:detail", kwargs={"uuid": setup.partner.uuid})
    staff = world.client_for("referent_a").get(url).content.decode()
    assert "Orientations de ma SLSP vers ce partenaire" in staff
    assert "100 %" in staff
    other = world.client_for("referent_b").get(url).content.decode()
    assert "Orientations de ma SLSP vers ce partenaire" in other  # its own: none
    coordinator = world.client_for("coordinateur").get(url).content.decode()
    assert "Orientations de la région vers ce partenaire" in coordinator
    assert "&lt;5" in coordinator


def test_resend_link_replaces_the_previous_one(
    world, user, client, django_capture_on_commit_callbacks
):
    from apps.referrals.models import LinkPurpose, ReferralLink

    setup = referral_setup(world.slsp_a, user)
    proposed = make_referral(setup, user)
    detail = reverse("referrals:referral_detail", kwargs={"uuid": proposed.uuid})
    assert "Renvoyer le lien" not in client.get(detail).content.decode()  # nothing sent yet
    resend = reverse("referrals:referral_resend", kwargs={"uuid": proposed.uuid})
    response = client.post(
        resend, {"recipient_email": "cpas@example.be", "confirm": "on"}, follow=True
    )
    assert "Aucun lien à renvoyer pour une orientation « Proposée »" in unescape(
        response.content.decode()
    )
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        first = ReferralLink.objects.get(referral=referral)
    detail = reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid})
    resend = reverse("referrals:referral_resend", kwargs={"uuid": referral.uuid})
    assert "Renvoyer le lien" in client.get(detail).content.decode()
    # Bad e-mail: refused in French, no new link, no mail.
    sent_before = len(mail.outbox)
    response = client.post(
        resend, {"recipient_email": "pas-une-adresse", "confirm": "on"}, follow=True
    )
    assert "adresse de courriel valide" in response.content.decode()
    with scopes_disabled():
        assert ReferralLink.objects.filter(referral=referral).count() == 1
    assert len(mail.outbox) == sent_before
    # To another contact: a new answer link by e-mail, the first one revoked.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            resend, {"recipient_email": "autre@example.be", "confirm": "on"}, follow=True
        )
    assert "Nouveau lien envoyé à autre@example.be" in unescape(response.content.decode())
    assert mail.outbox[-1].to == ["autre@example.be"]
    with scopes_disabled():
        first.refresh_from_db()
        links = ReferralLink.objects.filter(referral=referral, revoked_at__isnull=True)
        assert first.revoked_at is not None
        assert [(link.purpose, link.recipient_email) for link in links] == [
            (LinkPurpose.ANSWER, "autre@example.be")
        ]
        referral.refresh_from_db()
        assert referral.recipient_email == "autre@example.be"
        assert referral.status == ReferralStatus.SENT
        assert ReferralEvent.objects.filter(referral=referral, note__contains="renvoyé").exists()
    # Once accepted, the partner's next link reports the outcome.
    with scopes_disabled():
        referrals.transition(referral, ReferralStatus.ACCEPTED, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend, {"recipient_email": "autre@example.be", "confirm": "on"})
    with scopes_disabled():
        assert ReferralLink.objects.get(referral=referral, revoked_at__isnull=True).purpose == (
            LinkPurpose.OUTCOME
        )
    assert mail.outbox[-1].to == ["autre@example.be"]


def test_resend_link_checks_consent_again(world, user, client):
    from apps.referrals.models import ReferralLink

    setup = referral_setup(world.slsp_a, user)
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        setup.consent.share_with.clear()
    resend = reverse("referrals:referral_resend", kwargs={"uuid": referral.uuid})
    response = client.post(
        resend, {"recipient_email": "autre@example.be", "confirm": "on"}, follow=True
    )
    assert "consent" in unescape(response.content.decode()).lower()
    with scopes_disabled():
        assert ReferralLink.objects.filter(referral=referral).count() == 1
        assert Referral.objects.get(pk=referral.pk).recipient_email != "autre@example.be"

"""A référent's day in one journey: plans an appointment and logs it done, corrects a
moment logged with the wrong kind, withdraws a household's consent for one partner only
through the confirmation page (which says what it will stop before anything happens; the
other partner's referral goes on), then finds the household again typed first name first
with a typo."""

import datetime
import shutil
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Moment, MomentKind, MomentRevision
from apps.referrals import services as referrals
from apps.referrals.models import ReferralStatus
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, login
from tests.referrals.factories import make_network_partner, make_sent_referral, referral_setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/deliberate")


def _shot(page, name):
    path = SCREENSHOTS / f"deliberate-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if SHOTS.is_dir():
        shutil.copy(path, SHOTS / f"{name}.png")


def test_a_referents_day(live_server, world):
    today = datetime.date.today()
    user = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, user, name="CPAS d'Arlon")
    first = make_sent_referral(setup, user)
    other, _agreement = make_network_partner(world.slsp_a, name="Relais social du Luxembourg")
    with scopes_disabled():
        setup.consent.share_with.add(other)
        second = referrals.propose_referral(
            setup.follow_up, user, partner=other, reason="Logement", shared_data=["identite"]
        )
        second = referrals.send_referral(
            second,
            user,
            recipient_email=referrals.default_recipient(second),
            base_url=live_server.url,
        )
        moment = services.log_moment(
            setup.household,
            user,
            kind=MomentKind.WELCOME,  # "Visite" picked the welcome visit by mistake
            date=today - datetime.timedelta(days=1),
            duration_minutes=45,
            follow_up=setup.follow_up,
            note="Point sur le plan d'apurement",
        )
        # The household the search must find, typed the other way round with a typo.
        type(setup.household).objects.filter(pk=setup.household.pk).update(
            display_name="Mathieu Laura"
        )
    household_url = live_server.url + reverse(
        "tenants:household", kwargs={"uuid": setup.household.uuid}
    )
    with chromium_page() as page:
        login(page, live_server.url, user.email, PASSWORD)
        page.goto(household_url)
        household_page = page.url

        # Plan an appointment for today, then log it done from the week view.
        page.get_by_role("link", name="Planifier un rendez-vous").click()
        page.get_by_label("Type de moment").select_option(label="Visite à domicile")
        page.get_by_label("Date").fill(today.isoformat())
        page.get_by_label("Heure").fill("14:30")
        page.get_by_role("button", name="Planifier").click()
        assert "Rendez-vous planifié." in page.locator(".messages").inner_text()
        page.goto(live_server.url + reverse("accompaniment:agenda"))
        page.get_by_role("button", name="Fait").click()
        assert "Rendez-vous noté comme fait." in page.locator(".messages").inner_text()
        page.goto(household_url)

        # Correct the moment: the form comes filled in; a reason is required.
        page.locator("li.moment", has_text="Visite d'accueil").get_by_role(
            "link", name="corriger"
        ).click()
        page.get_by_label("Type de moment").select_option(MomentKind.HOME_VISIT)
        page.get_by_role("button", name="Enregistrer la correction").click()
        assert page.get_by_text("Ce champ est obligatoire").count() >= 1  # no reason
        _shot(page, "correct-moment-refused")
        assert page.get_by_label("Type de moment").input_value() == MomentKind.HOME_VISIT
        page.get_by_label("Raison de la correction").fill("Mauvais type choisi à la saisie")
        page.get_by_role("button", name="Enregistrer la correction").click()
        page.wait_for_url(household_page)
        assert page.get_by_text("Visite d'accueil → Visite à domicile").count() == 1
        _shot(page, "household-after-correction")

        # Closing a follow-up asks for its outcome, none preselected; cancelling changes nothing.
        page.get_by_role("link", name="Clôturer…").click()
        assert page.get_by_label("Issue du suivi").input_value() == ""
        _shot(page, "close-follow-up")
        page.get_by_role("link", name="Annuler").click()
        page.wait_for_url(household_page)

        # Withdraw the consent for the CPAS only.
        page.get_by_role("link", name="Retirer…").click()
        page.get_by_label("CPAS d'Arlon").check()
        page.get_by_label("Motif du retrait").fill("Le ménage ne veut plus de suivi CPAS")
        _shot(page, "withdraw-choices")
        page.get_by_role("button", name="Voir ce que le retrait arrête").click()
        consequences = page.locator(".confirm-consequences").inner_text()
        assert "CPAS d'Arlon" in consequences and "sera arrêtée" in consequences
        assert "Relais social" not in consequences
        _shot(page, "withdraw-consequences")
        with scopes_disabled():
            first.refresh_from_db()
            assert first.status == ReferralStatus.SENT  # nothing done yet
        page.get_by_role("button", name="Confirmer le retrait").click()
        page.wait_for_url(household_page)
        assert page.get_by_text("Retrait du consentement enregistré").count() == 1
        _shot(page, "household-after-withdrawal")

        # The next morning's question: where was that household again?
        box = page.get_by_role("search").first.get_by_label("Rechercher")
        box.fill("laura mathiew")
        box.press("Enter")
        page.get_by_role("link", name="Mathieu Laura").first.click()
        page.wait_for_url(household_page)

    with scopes_disabled():
        assert Moment.objects.filter(household=setup.household, planned=False).count() == 2
        assert Moment.objects.get(pk=moment.pk).kind == MomentKind.HOME_VISIT
        assert MomentRevision.objects.count() == 1
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == ReferralStatus.CLOSED
        assert second.status == ReferralStatus.SENT
        assert list(setup.consent.share_with.all()) == [other]
    assert any("cessez" in m.subject and m.to == [first.recipient_email] for m in mail.outbox)

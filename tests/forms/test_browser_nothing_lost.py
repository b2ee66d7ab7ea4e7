"""In Chromium: the idle warning appears before the limit and "Rester connecté" keeps the
session; a moment typed and sent after expiry comes back filled after signing in again."""

import datetime
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_scopes import scopes_disabled

from apps.accounts import sessions
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import chromium_page, login
from tests.tenants.factories import make_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/work/shots/lost"
NOTE = "Appel de Mme au sujet du plan d'apurement"


def test_idle_warning_then_a_form_sent_after_expiry_is_given_back(live_server, world, settings):
    settings.SESSION_IDLE_TIMEOUT = 70  # the page counts 10 s, warns 5 s before
    with scopes_disabled():
        household = make_household(world.slsp_a)
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.goto(f"{live_server.url}/menages/{household.uuid}/")
        note = page.locator("#id_moment-note")
        note.fill(NOTE)
        warning = page.get_by_role("alertdialog")
        warning.wait_for(state="visible", timeout=15000)
        assert "Votre session va bientôt expirer" in warning.inner_text()
        page.screenshot(path=f"{SHOTS}/idle-warning.png")
        page.get_by_role("button", name="Rester connecté").click()
        warning.wait_for(state="hidden", timeout=5000)

        # Lunch: the server-side session goes idle past the limit.
        key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
        store = SessionStore(session_key=key)
        store[sessions.SEEN] = sessions.now() - 3600
        store.save()
        page.get_by_role("button", name="Noter le moment").click()
        page.wait_for_url("**/comptes/connexion/**", timeout=10000)
        page.screenshot(path=f"{SHOTS}/expired-login.png")
        login_form_url = page.url
        page.get_by_label("Adresse e-mail").fill("ref.a@example.org")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state("networkidle")
        assert f"/menages/{household.uuid}/" in page.url, (login_form_url, page.url)
        time.sleep(0.3)
        assert page.locator("#id_moment-note").input_value() == NOTE
        assert "Vérifiez-le, puis envoyez-le à nouveau" in page.locator(".messages").inner_text()
        page.screenshot(path=f"{SHOTS}/form-given-back.png", full_page=True)
        # Sent again: recorded once.
        page.get_by_role("button", name="Noter le moment").click()
        page.wait_for_timeout(1500)
    with scopes_disabled():
        from apps.accompaniment.models import Moment

        assert Moment.objects.filter(household=household, note=NOTE).count() == 1
    assert datetime.date.today()


def test_two_tabs_editing_one_partner(live_server, world):
    from tests.partners.factories import PartnerFactory, SlspPartnerFactory

    with scopes_disabled():
        partner = PartnerFactory(name="CPAS de Namur", description="Service social")
        SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
    url = f"{live_server.url}/partenaires/{partner.uuid}/modifier/"
    with chromium_page() as first:
        login(first, live_server.url, "ref.a@example.org", PASSWORD)
        second = first.context.new_page()
        first.goto(url)
        second.goto(url)
        first.locator("#id_description").fill("Permanence le mardi matin")
        first.get_by_role("button", name="Enregistrer").click()
        first.wait_for_load_state("networkidle")
        second.locator("#id_description").fill("Permanence le jeudi")
        second.get_by_role("button", name="Enregistrer").click()
        second.wait_for_load_state("networkidle")
        text = second.locator("main").inner_text()
        assert "Quelqu'un d'autre a modifié cette fiche" in text
        assert "Permanence le mardi matin" in text
        assert second.locator("#id_description").input_value() == "Permanence le jeudi"
        second.screenshot(path=f"{SHOTS}/stale-edit-refused.png", full_page=True)

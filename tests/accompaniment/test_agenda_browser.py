"""In Chromium: a référent plans an appointment, finds it in the week view and on the
home, marks it done; then creates works and attaches a unit. Screenshots looked at."""

import datetime
import os
from pathlib import Path

import pytest

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import chromium_page, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("AGENDA_SHOTS", "/work/shots/agenda"))
TODAY = datetime.date.today()


def test_referent_plans_then_logs_an_appointment_and_creates_works(live_server, world):
    from django_scopes import scopes_disabled

    from apps.accompaniment.models import Moment
    from tests.tenants.factories import make_household

    with scopes_disabled():
        household = make_household(world.slsp_a, start_date=TODAY - datetime.timedelta(days=20))
        unit = household.tenancies.get().unit
    SHOTS.mkdir(parents=True, exist_ok=True)

    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.goto(f"{live_server.url}/menages/{household.uuid}/")
        page.get_by_role("link", name="Planifier un rendez-vous").click()
        page.get_by_label("Type de moment").select_option(label="Visite à domicile")
        # A past date first: refused in place, the note kept.
        page.get_by_label("Date").fill((TODAY - datetime.timedelta(days=1)).isoformat())
        page.get_by_label("Heure").fill("14:30")
        page.get_by_label("Note brève").fill("Sonner deux fois")
        page.get_by_role("button", name="Planifier").click()
        assert "Un rendez-vous se planifie aujourd" in page.locator("main").inner_text()
        assert page.get_by_label("Note brève").input_value() == "Sonner deux fois"
        page.screenshot(path=SHOTS / "appointment-form-error.png", full_page=True)
        page.get_by_label("Date").fill(TODAY.isoformat())
        page.get_by_role("button", name="Planifier").click()
        assert "Rendez-vous planifié." in page.locator(".messages").inner_text()
        page.screenshot(path=SHOTS / "household-agenda-section.png", full_page=True)

        page.goto(f"{live_server.url}/")
        home = page.locator("main").inner_text()
        assert "Rendez-vous du jour" in home and household.reference in home
        page.screenshot(path=SHOTS / "home-work-list.png", full_page=True)

        page.goto(f"{live_server.url}/accompagnement/agenda/")
        week = page.locator("main").inner_text()
        assert household.reference in week and "14:30" in week
        assert household.display_name not in week
        page.screenshot(path=SHOTS / "week-view.png", full_page=True)
        page.get_by_role("button", name="Fait").click()
        assert "Rendez-vous noté comme fait." in page.locator(".messages").inner_text()
        with scopes_disabled():
            moment = Moment.objects.get()
        assert not moment.planned

        page.goto(f"{live_server.url}/accompagnement/agenda/calendrier/")
        page.get_by_role("button", name="Créer l'adresse de mon calendrier").click()
        assert ".ics" in page.locator("#feed-url").input_value()
        page.screenshot(path=SHOTS / "calendar-page.png", full_page=True)

        page.goto(f"{live_server.url}/menages/chantiers/")
        page.get_by_role("link", name="Nouveau chantier").click()
        page.get_by_label("Chantier").fill("Isolation de la Cité des Balances")
        page.get_by_label("Type de travaux").select_option(label="Rénovation énergétique")
        page.get_by_label("Début des travaux").fill(TODAY.isoformat())
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_label("Adresse ou code postal du logement").fill(unit.address[:12].lower())
        page.get_by_role("button", name="Chercher", exact=True).click()
        page.get_by_label(str(unit).split(",")[0], exact=False).first.check()
        page.get_by_role("button", name="Rattacher les logements cochés").click()
        assert "1 logement rattaché." in page.locator(".messages").inner_text()
        page.screenshot(path=SHOTS / "works-detail.png", full_page=True)
        page.goto(f"{live_server.url}/accompagnement/a-faire/")
        assert "Isolation de la Cité des Balances" in page.locator("main").inner_text()
        page.screenshot(path=SHOTS / "relocation-list.png", full_page=True)

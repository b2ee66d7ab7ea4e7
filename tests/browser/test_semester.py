"""In Chromium: the référent asks for last semester's report, watches it build (the page
polls and reloads by itself), writes the evaluation; the direction validates it."""

import pytest

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login
from tests.reports.factories import make_activity

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_referent_watches_the_build_writes_the_evaluation_direction_validates(
    live_server, world, celery_worker_process
):
    from playwright.sync_api import expect

    make_activity(world.slsp_a, world.users["referent_a"])
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        click_nav(page, "Rapports")
        page.get_by_label("Année").fill("2025")
        page.get_by_label("Semestre").select_option("1")
        page.get_by_role("button", name="Préparer le rapport").click()
        page.wait_for_load_state("domcontentloaded")
        page.screenshot(path=SCREENSHOTS / "report-building.png", full_page=False)
        # No click: the poller reloads the page once the worker has built the PDF. A draft's
        # PDF is a working version (PROJET), kept in a collapsed list.
        drafts = page.locator("details.pdf-drafts > summary")
        expect(drafts).to_be_visible(timeout=120_000)
        expect(page.get_by_role("link", name="Télécharger le projet")).to_be_hidden()
        drafts.click()
        expect(page.get_by_role("link", name="Télécharger le projet")).to_be_visible()
        assert "Orientations vers les partenaires" in page.locator("main").inner_text()
        page.get_by_label("Appréciation générale").fill("Un semestre d'installation du réseau.")
        page.get_by_label("Ce qui a fonctionné").first.fill("Visites d'accueil systématiques.")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Évaluation enregistrée.")
        page.screenshot(path=SCREENSHOTS / "report-detail.png", full_page=True)

    direction = world.users["direction_a"]
    direction.set_password(PASSWORD)
    direction.save(update_fields=["password"])
    with chromium_page() as page:
        login(page, live_server.url, direction.email, PASSWORD)
        page.goto(f"{live_server.url}/rapports/semestriels/")
        page.get_by_role("link", name="S1 2025").click()
        page.get_by_role("link", name="Valider ce rapport…").click()
        # The confirmation page lists the parts left empty and asks about names.
        expect(page.locator("main")).to_contain_text("Partie vide")
        page.screenshot(path=SCREENSHOTS / "report-validate-confirm.png", full_page=True)
        page.get_by_label("Je confirme que cette évaluation ne nomme aucune personne").check()
        page.get_by_role("button", name="Valider", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Rapport validé")
        validated = page.get_by_role("link", name="Télécharger le PDF validé")
        expect(validated).to_be_visible(timeout=120_000)
        page.screenshot(path=SCREENSHOTS / "report-validated.png", full_page=True)

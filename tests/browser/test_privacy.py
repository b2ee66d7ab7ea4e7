"""In the real browser: the direction audits one household's accesses; the référent
downloads the household's data."""

import json
from pathlib import Path

import pytest

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login
from tests.privacy.factories import FIRST_NAME, LAST_NAME, REASON, SENSITIVE, make_rich_household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_direction_reads_the_access_log_of_one_household(live_server, world):
    household = make_rich_household(world.slsp_a, world.users["referent_a"])
    make_rich_household(world.slsp_a, world.users["accompagnateur_a"])
    with chromium_page() as page:
        login(page, live_server.url, world.users["direction_a"].email, PASSWORD)
        page.goto(f"{live_server.url}/menages/{household.uuid}/")
        page.get_by_role("link", name="Journal des accès à ce ménage").click()
        page.wait_for_load_state("networkidle")
        main = page.locator("main").inner_text()
        # Two earlier entries about this household, plus the direction's own visit.
        assert "3 accès" in main
        assert REASON in main and f"Ménage {LAST_NAME}" in main
        page.screenshot(path=SCREENSHOTS / "privacy-access-log.png", full_page=True)
        click_nav(page, "Journal des accès")
        page.wait_for_load_state("networkidle")
        assert "5 accès" in page.locator("main").inner_text()


def test_referent_downloads_the_household_export(live_server, world):
    household = make_rich_household(world.slsp_a, world.users["referent_a"])
    with chromium_page() as page:
        login(page, live_server.url, world.users["referent_a"].email, PASSWORD)
        page.goto(f"{live_server.url}/menages/{household.uuid}/")
        page.get_by_role("link", name="Exporter toutes les données de ce ménage").click()
        page.get_by_label("Format").select_option("json")
        page.get_by_label("Motif de l'export").fill("Demande d'accès du locataire")
        page.get_by_label("Inclure les notes sensibles (santé, violences)").check()
        page.screenshot(path=SCREENSHOTS / "privacy-export.png", full_page=True)
        with page.expect_download() as info:
            page.get_by_role("button", name="Télécharger").click()
        download = info.value
        assert download.suggested_filename == f"export-menage-{household.uuid}.json"
        data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
        assert FIRST_NAME in {m["prenom"] for m in data["membres"]}
        assert SENSITIVE in {m["note_sensible"] for m in data["moments"]}

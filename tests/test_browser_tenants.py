import pytest
from django.conf import settings

from tests.browser import SCREENSHOTS, chromium_page, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = settings.BASE_DIR / "fixtures" / "export-gestion-locative.csv"


def test_referent_imports_the_sample_export_and_finds_a_household(live_server, world):
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.get_by_role("link", name="Ménages").first.click()
        page.get_by_role("link", name="Importer l'export de la gestion locative").click()
        page.set_input_files("input[type=file]", str(SAMPLE))
        page.get_by_role("button", name="Vérifier le fichier").click()
        assert "à créer" in page.locator("main").inner_text()
        page.get_by_role("button", name="Appliquer l'import").click()
        page.wait_for_load_state("networkidle")
        assert "Import terminé" in page.locator(".messages").inner_text()

        page.get_by_label("Référence, nom ou adresse").fill("Kabongo")
        page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name="Kabongo Jean-Paul").click()
        body = page.locator("main").inner_text()
        assert "B-2023-0417" in body and "Transit" in body and "Jean-Paul" in body
        page.screenshot(path=SCREENSHOTS / "household.png", full_page=True)

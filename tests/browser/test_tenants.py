import pytest
from django.conf import settings

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = settings.BASE_DIR / "fixtures" / "export-gestion-locative.csv"


def test_referent_imports_the_sample_export_and_finds_a_household(live_server, world):

    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        click_nav(page, "Ménages")
        page.get_by_role("link", name="Importer l'export de la gestion locative").click()
        page.set_input_files("input[type=file]", str(SAMPLE))
        page.get_by_role("button", name="Vérifier le fichier").click()
        assert "à créer" in page.locator("main").inner_text()
        page.get_by_role("button", name="Appliquer l'import").click()
        page.wait_for_load_state("networkidle")
        assert "Import terminé" in page.locator(".messages").inner_text()
        assert "Ménages créés" in page.locator("main").inner_text()  # past tense once applied
        page.get_by_role("link", name="Voir les ménages").click()

        page.get_by_label("Référence, nom ou adresse").fill("Kabongo")
        page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name="Kabongo Jean-Paul").click()
        body = page.locator("main").inner_text()
        assert "B-2023-0417" in body and "Transit" in body and "Jean-Paul" in body
        page.screenshot(path=SCREENSHOTS / "household.png", full_page=True)


def test_referent_records_consent_opens_a_follow_up_and_logs_three_moments(live_server, world):
    from django_scopes import scopes_disabled
    from playwright.sync_api import expect

    from tests.tenants.factories import make_household

    with scopes_disabled():
        household = make_household(world.slsp_a)
    url = f"{live_server.url}/menages/{household.uuid}/"
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.goto(url)
        # The rarely used forms are on their own pages: a link, then back here.
        page.get_by_role("link", name="Enregistrer un consentement").click()
        page.get_by_role("button", name="Enregistrer le consentement").click()
        assert "Consentement enregistré" in page.locator(".messages").inner_text()
        page.get_by_role("link", name="Ouvrir un suivi").click()
        page.get_by_label("Impayés", exact=True).check()
        page.locator("#id_followup-objective").fill("Tenir le plan d'apurement")
        page.get_by_role("button", name="Ouvrir le suivi").click()
        assert "Suivi ouvert" in page.locator(".messages").inner_text()
        for kind, note in [
            ("Entretien impayés", "Premier entretien"),
            ("Plan d'apurement", "Plan signé"),
            ("Appel téléphonique", "Rappel de l'échéance"),
        ]:
            page.get_by_label("Type de moment").select_option(label=kind)
            page.get_by_label("Note brève").fill(note)
            # Keyboard only: Enter submits the one-line form with its defaults.
            page.get_by_label("Note brève").press("Enter")
            # Confirmed in place: the new moment heads the timeline, focus back on the kind.
            expect(page.locator("ol.timeline li").first).to_contain_text(note)
            expect(page.locator("[data-moment-status]")).to_contain_text("Moment enregistré")
        timeline = page.locator("ol.timeline").inner_text()
        for note in ("Premier entretien", "Plan signé", "Rappel de l'échéance"):
            assert note in timeline
        # Three moments of the follow-up, and the follow-up's opening as an event.
        assert page.locator("ol.timeline li.moment").count() == 3
        assert timeline.count("Tenir le plan d'apurement") == 4
        page.screenshot(path=SCREENSHOTS / "household-timeline.png", full_page=True)


def test_referent_reimports_a_corrected_export_and_reads_each_change(live_server, world, tmp_path):
    """The sync as a référent sees it: the preview lists households with their changes,
    a full export's unusual closures need the count typed, the applied import lists
    what it changed. Screenshots go to /work/shots/import/ when that folder exists."""
    from pathlib import Path

    from tests.tenants.test_import_sync import csv_file, line

    shots = Path("/work/shots/import")
    folder = shots if shots.is_dir() else SCREENSHOTS
    first = tmp_path / "export-janvier.csv"
    households = [line(f"00{100 + i}", f"Nom{i}", "Anne", address=f"Rue {i}") for i in range(8)]
    first.write_bytes(
        csv_file(*households, line("00100", "Nom0", "Eva", "2012", "enfant", address="Rue 0"))
    )
    second = tmp_path / "export-fevrier.csv"
    second.write_bytes(
        csv_file(
            line("100", "Nom0", "Anne", address="Rue 0", start="15/01/2020"),
            line("00101", "Nom1", "Anné", address="Rue 1"),
            *households[2:5],
            line("00200", "Nouveau", "Zoé", address="Rue 9", commune="Arlon"),
            line("00201", "Trop", "Long", address="Rue " + "x" * 260),
        )
    )
    with chromium_page(viewport={"width": 1400, "height": 900}) as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.goto(f"{live_server.url}/menages/import/")
        page.screenshot(path=folder / "import-upload.png", full_page=True)
        page.set_input_files("input[type=file]", str(first))
        page.get_by_role("button", name="Vérifier le fichier").click()
        page.get_by_role("button", name="Appliquer l'import").click()
        page.wait_for_load_state("networkidle")

        page.goto(f"{live_server.url}/menages/import/")
        page.set_input_files("input[type=file]", str(second))
        page.get_by_label("C'est un export complet").check()
        page.get_by_role("button", name="Vérifier le fichier").click()
        main = page.locator("main").inner_text()
        assert "début du bail modifié : 01/01/2020 → 15/01/2020" in main
        assert "prénom modifié : Anne → Anné" in main
        assert "membre Eva Nom0 : a quitté le ménage (" in main and "hors territoire" not in main
        assert "dépasse 250 caractères" in main and "3 sur 8" in main
        page.screenshot(path=folder / "import-preview.png", full_page=True)
        page.get_by_label("Je confirme la clôture").check()
        page.get_by_label("Nombre de baux à clôturer").fill("2")
        page.get_by_role("button", name="Appliquer l'import").click()
        assert "Tapez 3 pour confirmer" in page.locator("main").inner_text()
        page.screenshot(path=folder / "import-confirm-count.png", full_page=True)
        page.get_by_label("Je confirme la clôture").check()
        page.get_by_label("Nombre de baux à clôturer").fill("3")
        page.get_by_role("button", name="Appliquer l'import").click()
        page.wait_for_load_state("networkidle")
        main = page.locator("main").inner_text()
        assert "Ménages modifiés" in main and "Baux clôturés" in main
        assert "Modifications faites par cet import" in main
        page.screenshot(path=folder / "import-applied.png", full_page=True)

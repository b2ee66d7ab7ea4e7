"""A référent writes the yearly strategy (a refused line first), the coordinator
creates a training, records attendance and reads the SLSP's drill-down."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.slsps.models import ActionStrategy, Attendance
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referent_writes_strategy_and_coordinator_records_attendance(live_server, world):
    year = timezone.localdate().year
    ref_a, ref_b = world.users["referent_a"], world.users["referent_b"]
    with chromium_page() as page:
        login(page, live_server.url, ref_a.email, PASSWORD)
        click_nav(page, "Stratégie")
        page.get_by_role("link", name="Nouvelle stratégie annuelle").click()
        page.get_by_label("Année").fill(str(year))
        page.get_by_label("Synthèse de la stratégie").fill(
            "Priorité à l'accueil et à la prévention des impayés."
        )
        lines = page.locator("fieldset.strategy-item")
        # Only a priority axis: refused with a clear message, nothing saved.
        lines.nth(0).get_by_label("Type").select_option("axe")
        lines.nth(0).get_by_label("Intitulé").fill("Troubles de voisinage à la cité du Centre")
        page.get_by_role("button", name="Enregistrer la stratégie").click()
        assert "au moins un objectif" in page.locator(".errorlist").first.inner_text()
        page.screenshot(path=SCREENSHOTS / "strategy-error.png", full_page=True)
        with scopes_disabled():
            assert not ActionStrategy.objects.exists()

        lines = page.locator("fieldset.strategy-item")
        lines.nth(1).get_by_label("Type").select_option("objectif")
        lines.nth(1).get_by_label("Intitulé").fill("Accueillir chaque nouveau locataire")
        lines.nth(1).get_by_label("Description").fill("Visite dans les trois mois.")
        page.get_by_role("button", name="Enregistrer la stratégie").click()
        page.wait_for_load_state("networkidle")
        assert "a été enregistrée" in page.locator(".messages").inner_text()
        assert "Accueillir chaque nouveau locataire" in page.locator("main").inner_text()
        page.screenshot(path=SCREENSHOTS / "strategy-page.png", full_page=True)

        # A good-practice sheet, published to the network's shared library.
        click_nav(page, "Réseau des référents")
        page.get_by_role("link", name="Fiches de bonnes pratiques").first.click()
        page.get_by_role("link", name="Rédiger une fiche").click()
        page.get_by_label("Titre").fill("Une visite d'accueil dans le mois de l'entrée")
        page.get_by_label("Domaine").fill("Pédagogie de l'habiter")
        page.get_by_label("Résumé").fill("Le référent et un agent technique passent ensemble.")
        page.get_by_label("Publier dans la bibliothèque partagée du réseau").check()
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state("networkidle")
        assert "La fiche a été enregistrée." in page.locator(".messages").inner_text()
        page.get_by_role("link", name="Fiches de bonnes pratiques").first.click()
        page.screenshot(path=SCREENSHOTS / "network-practices.png", full_page=True)

    with chromium_page() as page:
        login(page, live_server.url, world.users["coordinateur"].email, PASSWORD)
        click_nav(page, "Réseau des référents")
        page.get_by_role("link", name="Nouvelle activité").click()
        page.get_by_label("Type").select_option("training")
        page.get_by_label("Intitulé").fill("Formation : accueil des nouveaux locataires")
        page.get_by_label("Date").fill(f"{year}-01-20")
        page.get_by_label("Lieu").fill("Namur")
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state("networkidle")
        page.get_by_role("link", name="Encoder les présences").click()
        page.screenshot(path=SCREENSHOTS / "network-attendance-form.png", full_page=True)
        page.locator(f"input[name='p_{ref_a.uuid}'][value='present']").check()
        page.locator(f"input[name='p_{ref_b.uuid}'][value='absent']").check()
        page.get_by_role("button", name="Enregistrer les présences").click()
        page.wait_for_load_state("networkidle")
        assert "Présences enregistrées" in page.locator(".messages").inner_text()
        page.screenshot(path=SCREENSHOTS / "network-event.png", full_page=True)
        assert dict(Attendance.objects.values_list("person_id", "present")) == {
            ref_a.pk: True,
            ref_b.pk: False,
        }

        click_nav(page, "Vue régionale")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=SCREENSHOTS / "region-dashboard.png", full_page=True)
        page.get_by_role("link", name=world.slsp_a.official_name).click()
        main = page.locator("main").inner_text()
        assert "Accueillir chaque nouveau locataire" in main
        assert "Visite dans les trois mois." not in main
        assert ref_a.last_name not in main
        page.screenshot(path=SCREENSHOTS / "region-slsp-overview.png", full_page=True)
        click_nav(page, "Réseau des référents")
        page.screenshot(path=SCREENSHOTS / "network-calendar.png", full_page=True)

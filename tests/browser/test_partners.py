"""A référent searches the directory, links an existing partner instead of duplicating
it, records an agreement with its signed PDF and downloads it back."""

import datetime
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from apps.partners.models import Agreement, Partner, SlspPartner
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login
from tests.core.factories import pdf_bytes
from tests.partners.factories import PartnerContactFactory, PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referent_links_an_existing_partner_and_records_an_agreement(
    live_server, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    existing = PartnerFactory(
        name="CPAS de Gembloux", type="cpas", commune="Gembloux", communes_served=["Gembloux"]
    )
    PartnerContactFactory(partner=existing, name="Claire Martin", function="Assistante sociale")
    PartnerFactory(name="Maison de justice de Namur", type="maison_justice", commune="Namur")
    today = datetime.date.today()
    pdf = tmp_path / "convention-signee.pdf"
    pdf.write_bytes(pdf_bytes("Convention CPAS de Gembloux"))

    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        click_nav(page, "Partenaires")
        page.locator("main").get_by_label("Recherche").fill("gembloux")
        page.get_by_role("button", name="Filtrer").click()
        assert page.locator("tbody tr").count() == 1
        page.screenshot(path=SCREENSHOTS / "partners-directory.png", full_page=True)

        # Trying to add it again: the directory proposes the existing one first.
        page.get_by_role("link", name="Ajouter un partenaire").click()
        page.get_by_label("Nom de l'organisation").fill("C.P.A.S. Gembloux")
        page.get_by_label("Type").select_option("cpas")
        page.get_by_label("Commune").fill("Gembloux")
        page.get_by_role("button", name="Chercher", exact=True).click()
        page.screenshot(path=SCREENSHOTS / "partners-create-matches.png", full_page=True)
        page.get_by_role("button", name="Lier « CPAS de Gembloux » à mon réseau").click()
        page.wait_for_load_state("networkidle")
        assert "fait désormais partie du réseau" in page.locator(".messages").inner_text()
        page.screenshot(path=SCREENSHOTS / "partners-detail.png", full_page=True)

        page.get_by_role("link", name="Nouvelle convention").click()
        page.get_by_label("Objet").fill("Prévention des arriérés de loyer")
        page.get_by_label("Début").fill(f"{today - datetime.timedelta(days=10):%Y-%m-%d}")
        # First a wrong end date: a clear message, nothing saved.
        page.get_by_label("Fin").fill(f"{today - datetime.timedelta(days=20):%Y-%m-%d}")
        page.get_by_label("Clause de partage de données").check()
        page.get_by_label("Données partagées").fill("Composition du ménage, arriérés")
        page.get_by_label("Délai de réponse convenu (jours)").fill("10")
        page.get_by_label("Claire Martin (Assistante sociale)").check()
        page.get_by_label("Convention signée (PDF)").set_input_files(str(pdf))
        page.get_by_role("button", name="Enregistrer la convention").click()
        assert "précède la date de début" in page.locator(".errorlist").first.inner_text()
        page.screenshot(path=SCREENSHOTS / "partners-agreement-error.png", full_page=True)

        page.get_by_label("Fin").fill(f"{today + datetime.timedelta(days=365):%Y-%m-%d}")
        page.get_by_label("Convention signée (PDF)").set_input_files(str(pdf))
        page.get_by_role("button", name="Enregistrer la convention").click()
        page.wait_for_load_state("networkidle")
        assert "La convention a été enregistrée." in page.locator(".messages").inner_text()
        page.screenshot(path=SCREENSHOTS / "partners-agreement.png", full_page=True)

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Télécharger le PDF").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        assert Path(download.path()).read_bytes().startswith(b"%PDF-")

        click_nav(page, "Conventions")
        assert "CPAS de Gembloux" in page.locator("tbody").inner_text()
        page.screenshot(path=SCREENSHOTS / "partners-agreements.png", full_page=True)

    # Checked once the browser is closed: the ORM in the Playwright thread would open
    # a connection of its own (asgiref context) that outlives the test.
    with scopes_disabled():
        assert Partner.objects.count() == 2  # linked, not duplicated
        assert SlspPartner.objects.filter(slsp=world.slsp_a, partner=existing).exists()
        agreement = Agreement.objects.get()  # the refused attempt saved nothing
        assert agreement.partner_id == existing.pk and agreement.document


def test_home_panel_and_coordinator_merge(live_server, world):
    from tests.partners.factories import AgreementFactory, SlspPartnerFactory

    today = datetime.date.today()
    keep = PartnerFactory(name="Service de santé mentale de Namur", type="sante_mentale")
    dup = PartnerFactory(name="SSM Namur", type="sante_mentale", phone="081 00 00 00")
    with scopes_disabled():
        SlspPartnerFactory(slsp=world.slsp_a, partner=dup)
        AgreementFactory(
            slsp=world.slsp_a,
            partner=dup,
            purpose="Orientation en santé mentale",
            end_date=today + datetime.timedelta(days=40),
        )
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        panel = page.get_by_role("region", name="Conventions qui expirent dans les 60 jours")
        assert "Orientation en santé mentale" in panel.inner_text()
        page.screenshot(path=SCREENSHOTS / "partners-home-panel.png", full_page=True)

    coordinator = world.users["coordinateur"]
    with chromium_page() as page:
        login(page, live_server.url, coordinator.email, PASSWORD)
        page.goto(f"{live_server.url}/partenaires/{dup.uuid}/")
        main = page.locator("main").inner_text()
        assert "Orientation en santé mentale" not in main  # counts only
        page.screenshot(path=SCREENSHOTS / "partners-coordinator-page.png", full_page=True)
        page.get_by_role("link", name="Fusionner ce doublon").click()
        page.get_by_label("Partenaire à conserver").select_option(str(keep.uuid))
        page.get_by_label("Je confirme la fusion (irréversible).").check()
        page.screenshot(path=SCREENSHOTS / "partners-merge.png", full_page=True)
        page.get_by_role("button", name="Fusionner").click()
        page.wait_for_load_state("networkidle")
        assert "rien n'a été perdu" in page.locator(".messages").inner_text()
        assert page.locator(".stats:not([data-referral-stats])").inner_text().count("1") >= 1
    with scopes_disabled():
        assert not Partner.objects.filter(pk=dup.pk).exists()
        assert Agreement.objects.get().partner_id == keep.pk
        assert SlspPartner.objects.get().partner_id == keep.pk

"""In Chromium: a référent joins a scanned consent form to a consent, finds it beside
the consent, downloads it, then prints the household's case sheet. Screenshots looked at
(/work/shots/sheet/)."""

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import chromium_page, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SHEET_SHOTS", "/work/shots/sheet"))


def test_referent_attaches_a_document_and_prints_the_case_sheet(
    live_server, world, tmp_path, settings
):
    from django_scopes import scopes_disabled

    from apps.accompaniment.models import Attachment
    from apps.accounts.models import AccessLog
    from tests.privacy.factories import OBJECTIVE, SENSITIVE, make_rich_household

    settings.MEDIA_ROOT = tmp_path / "media"
    household = make_rich_household(world.slsp_a, world.users["referent_a"])
    scan = tmp_path / "formulaire-signe.png"
    Image.new("RGB", (120, 80), (240, 240, 240)).save(scan, format="PNG")
    fake = tmp_path / "faux.pdf"
    fake.write_bytes(b"<html><body>pas un PDF</body></html>")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.goto(f"{live_server.url}/menages/{household.uuid}/")
        page.locator("#consents-title").locator("..").get_by_role(
            "link", name="Joindre un document"
        ).first.click()
        # An HTML page named .pdf: refused in place, the title kept.
        page.get_by_label("Intitulé").fill("Formulaire de consentement signé")
        page.get_by_label("Fichier").set_input_files(str(fake))
        page.get_by_role("button", name="Joindre").click()
        assert "Type de fichier refusé" in page.locator("main").inner_text()
        assert page.get_by_label("Intitulé").input_value() == "Formulaire de consentement signé"
        page.screenshot(path=str(SHOTS / "upload-refused.png"), full_page=True)
        page.get_by_label("Fichier").set_input_files(str(scan))
        page.get_by_role("button", name="Joindre").click()
        assert "Document joint." in page.locator("main").inner_text()
        link = page.get_by_role("link", name="Formulaire de consentement signé")
        link.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "household-with-attachment.png"), full_page=True)
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename == "formulaire-de-consentement-signe.png"
        assert Path(download.path()).read_bytes() == scan.read_bytes()

        page.get_by_role("link", name="Fiche du ménage (impression, PDF)").click()
        body = page.locator("main").inner_text()
        assert OBJECTIVE in body and SENSITIVE not in body
        page.get_by_label("Motif de la consultation des notes sensibles").fill(
            "Réunion d'équipe du lundi"
        )
        page.get_by_role("button", name="Afficher avec les notes sensibles").click()
        assert SENSITIVE in page.locator("main").inner_text()
        page.screenshot(path=str(SHOTS / "case-sheet-screen.png"), full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=str(SHOTS / "case-sheet-print.png"), full_page=True)
        assert not page.locator(".main-nav").is_visible()
        page.pdf(path=str(SHOTS / "case-sheet-browser-print.pdf"), format="A4")

    with scopes_disabled():
        attachment = Attachment.objects.get()
    assert AccessLog.objects.filter(object_id=str(attachment.uuid)).count() == 1

    # The server's PDF, rendered to PNG to be looked at.
    from django.test import Client

    client = Client()
    client.force_login(world.users["referent_a"])
    pdf = client.post(f"/accompagnement/menage/{household.uuid}/fiche.pdf", {"reason": "Passation"})
    (SHOTS / "case-sheet.pdf").write_bytes(pdf.content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            str(SHOTS / "case-sheet.pdf"),
            str(SHOTS / "case-sheet-pdf"),
        ],
        check=True,
    )
    assert list(SHOTS.glob("case-sheet-pdf*.png"))

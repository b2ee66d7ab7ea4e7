"""The dossier form in Debian's Chromium: co-applicants and partners found with a search
box, budget rows added in place with the total and its gap as one types, the direction's
approval (withdrawn by a later edit), the submission and its fr-BE receipt naming the
approver."""

import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from apps.calls.models import CallStatus, Dossier, DossierStatus
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, login
from tests.calls import factories as f
from tests.partners.factories import PartnerFactory, SlspPartnerFactory
from tests.slsps.factories import SlspFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/dossier")


def _shot(page, name):
    path = SCREENSHOTS / f"dossier-{name}.png"
    page.screenshot(path=path, full_page=True)
    if SHOTS.is_dir():
        shutil.copy(path, SHOTS / path.name)


def _flat(text: str) -> str:
    return re.sub(r"[\s\xa0\u202f]+", " ", text)


def test_direction_approves_and_referent_submits(live_server, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = f.make_call(CallStatus.OPEN, title="Appel 2026 : bien habiter")
    with scopes_disabled():
        for i in range(40):
            SlspFactory(official_name=f"Société de logement {i:02d}")
        SlspFactory(official_name="Le Foyer namurois")
        relais = PartnerFactory(name="Relais social urbain")
        SlspPartnerFactory(slsp=world.slsp_a, partner=relais)
        for i in range(30):
            PartnerFactory(name=f"Association régionale {i:02d}")
        PartnerFactory(name="CPAS d'Andenne")
    base = live_server.url
    direction = world.users["direction_a"]

    # 1. The référent drafts the dossier: search boxes instead of Ctrl-click lists.
    with chromium_page() as page:
        login(page, base, "ref.a@example.org", PASSWORD)
        page.goto(f"{base}/appels/{call.uuid}/dossier/")
        search = page.get_by_placeholder("Rechercher une SLSP")
        search.fill("foyer nam")
        visible = page.locator("[data-picker-list] label:visible", has_text="Société de logement")
        assert visible.count() == 0
        page.get_by_label("Le Foyer namurois").check()
        page.get_by_label("Titre du projet").fill("Premier logement, premiers pas")
        page.get_by_label("Résumé").fill("Visites d'accueil et ateliers collectifs.")
        page.get_by_label("Pédagogie de l'habiter").check()
        page.get_by_label("Locataires de logements de transit").check()
        page.get_by_label("Relais social urbain").check()  # the SLSP's network, shown first
        page.get_by_text("Plus de partenaires").click()
        page.locator("details [data-picker-filter]").fill("andenne")
        page.get_by_label("CPAS d'Andenne").check()
        page.get_by_label("Montant demandé (€)").fill("14000")
        _shot(page, "form")
        page.get_by_role("button", name="Enregistrer le dossier").click()
        assert "Le dossier a été créé" in page.locator(".messages").inner_text()
        detail = page.url

        page.get_by_role("link", name="Actions", exact=True).click()
        page.locator("#id_actions-0-title").fill("Visite d'accueil")
        page.locator("#id_actions-0-individual").check()
        page.get_by_role("button", name="Enregistrer").click()

        # 2. Budget rows added in place; the total and the gap follow the typing.
        page.get_by_role("link", name="Budget", exact=True).click()
        page.locator("#id_budget-0-label").fill("Animation")
        page.locator("#id_budget-0-amount").fill("8000")
        budget = page.locator("[data-budget]")
        assert "8 000,00" in _flat(budget.inner_text())
        assert "inférieur de 6 000,00" in _flat(budget.inner_text())
        page.get_by_role("button", name="Ajouter une ligne").click()
        assert page.locator("[data-grid-row]").count() == 2  # no reload: same page
        page.locator("#id_budget-1-label").fill("Matériel")
        page.locator("#id_budget-1-amount").fill("4000")
        assert "Total du budget : 12 000,00 €" in _flat(budget.inner_text())
        assert "inférieur de 2 000,00 €" in _flat(budget.inner_text())
        _shot(page, "budget-gap")
        page.get_by_role("button", name="Ajouter une ligne").click()
        page.locator("#id_budget-2-label").fill("Mobilier")
        page.locator("#id_budget-2-amount").fill("2000")
        assert "Total du budget : 14 000,00 €" in _flat(budget.inner_text())
        assert "inférieur" not in budget.inner_text()
        # A row added by mistake is removed in place, and the total follows.
        page.get_by_role("button", name="Ajouter une ligne").click()
        page.locator("#id_budget-3-label").fill("Erreur")
        page.locator("#id_budget-3-amount").fill("999")
        assert "Total du budget : 14 999,00 €" in _flat(budget.inner_text())
        page.locator("[data-grid-row]").nth(3).get_by_role(
            "button", name="Retirer cette ligne"
        ).click()
        assert page.locator("[data-grid-row]").count() == 3
        assert "Total du budget : 14 000,00 €" in _flat(budget.inner_text())
        page.get_by_role("button", name="Enregistrer").click()
        assert "enregistrées" in page.locator(".messages").inner_text()
        # Not yet approved: no submit button, the page says why.
        assert page.get_by_role("button", name="Déposer le dossier").count() == 0
        assert "doit approuver" in page.locator("main").inner_text()

    # 3. The lead SLSP's direction approves.
    with chromium_page() as page:
        login(page, base, direction.email, PASSWORD)
        page.goto(detail)
        _shot(page, "approval")
        page.get_by_role("button", name="Approuver le dossier").click()
        assert "approuvé" in page.locator(".messages").inner_text()
        assert direction.get_full_name() in page.locator("#approbation").inner_text()

    # 4. The référent submits; the receipt reads fr-BE and names the approver.
    with chromium_page() as page:
        login(page, base, "ref.a@example.org", PASSWORD)
        page.goto(detail)
        assert "Toute modification" in page.locator("#approbation").inner_text()
        page.get_by_role("button", name="Déposer le dossier").click()
        assert "Le dossier a été déposé" in page.locator(".messages").inner_text()
        _shot(page, "submitted")
        link = page.get_by_role("link", name="récépissé (PDF)")
        receipt = page.request.get(base + link.get_attribute("href"))
        assert receipt.ok
        pdf = receipt.body()
    text = _flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "14 000,00 €" in text and "8 000,00 €" in text
    assert "14000" not in text
    assert f"Approuvé par la direction {direction.get_full_name()}" in text
    (tmp_path / "receipt.pdf").write_bytes(pdf)
    if SHOTS.is_dir():
        (SHOTS / "receipt.pdf").write_bytes(pdf)
    with scopes_disabled():
        dossier = Dossier.objects.get(title="Premier logement, premiers pas")
        assert dossier.status == DossierStatus.SUBMITTED
        assert dossier.approved_by == direction
        assert set(dossier.partners.values_list("name", flat=True)) == {
            "Relais social urbain",
            "CPAS d'Andenne",
        }
        assert sum(line.amount for line in dossier.budget_lines.all()) == Decimal("14000")


def test_library_search_and_public_summary(live_server, world):
    from apps.calls.models import Decision, Outcome

    call = f.make_call(CallStatus.DECIDED, title="Appel 2025 : habiter et voisiner")
    with scopes_disabled():
        for i, (title, domain) in enumerate(
            [
                ("Ateliers du bien-habiter", "habiter"),
                ("Plan d'apurement accompagné", "impayes"),
                ("Déménager sans perdre pied", "relogement"),
            ]
        ):
            dossier = f.make_dossier(
                call, SlspFactory(), status=DossierStatus.SUBMITTED, title=title, domains=[domain]
            )
            Decision.objects.create(
                dossier=dossier,
                outcome=Outcome.SELECTED,
                granted_amount=Decimal(9000 + i * 1000),
                rationale="Retenu",
            )
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.get_by_role("link", name="Bonnes pratiques", exact=True).first.click()
        page.get_by_label("Domaine").select_option(label="Lutte contre les impayés")
        page.get_by_role("button", name="Filtrer").click()
        titles = page.locator("article h2").all_inner_texts()
        assert titles == ["Plan d'apurement accompagné"]
        _shot(page, "library")
        page.get_by_role("link", name="Plan d'apurement accompagné").click()
        assert "10 000,00 €" in _flat(page.locator("main").inner_text())
        _shot(page, "library-entry")


def test_without_javascript_rows_are_added_by_the_server(live_server, world):
    from tests.browser.helpers import _browser

    call = f.make_call(CallStatus.OPEN)
    dossier = f.make_dossier(call, world.slsp_a, complete=False)
    context = _browser().new_context(
        viewport={"width": 1280, "height": 860}, locale="fr-BE", java_script_enabled=False
    )
    try:
        page = context.new_page()
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        page.goto(f"{live_server.url}/appels/dossiers/{dossier.uuid}/modifier/")
        # The search boxes need the script: without it, plain checkbox lists.
        assert page.locator("[data-picker-filter]:visible").count() == 0
        assert page.get_by_label("SLSP B de test").is_visible()
        page.goto(f"{live_server.url}/appels/dossiers/{dossier.uuid}/budget/")
        page.locator("#id_budget-0-label").fill("Animation")
        page.locator("#id_budget-0-amount").fill("1500")
        page.get_by_role("button", name="Ajouter une ligne").click()
        assert page.locator("#id_budget-0-label").input_value() == "Animation"
        assert page.locator("#id_budget-1-label").count() == 1
        assert "1 500,00 €" in _flat(page.locator("[data-budget]").inner_text())
        page.locator("#id_budget-1-label").fill("Matériel")
        page.locator("#id_budget-1-amount").fill("500")
        _shot(page, "budget-no-js")
        page.locator("#id_budget-1-amount").press("Enter")  # Enter saves, never adds a row
        assert "enregistrées" in page.locator(".messages").inner_text()
    finally:
        context.close()
    assert sorted(dossier.budget_lines.values_list("label", flat=True)) == ["Animation", "Matériel"]

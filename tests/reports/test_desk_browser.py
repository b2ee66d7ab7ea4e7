"""In Chromium: the coordinator's desk and the filtered list behind a count; the référent's
refused text kept with its error beside the field; the drill-down's released evaluation."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from apps.reports import services
from apps.slsps.models import ReferentPost
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, login
from tests.partners.factories import AgreementFactory
from tests.reports.factories import SEMESTER, YEAR, make_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SLSP_SHOTS", SCREENSHOTS))


def _password(user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])


def test_desk_evaluation_and_drill_down_in_chromium(live_server, world):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    referent, direction = world.users["referent_a"], world.users["direction_a"]
    make_activity(world.slsp_a, referent)
    with scopes_disabled():
        AgreementFactory(
            slsp=world.slsp_b, end_date=timezone.localdate() + datetime.timedelta(days=12)
        )
        ReferentPost.objects.filter(slsp=world.slsp_b).update(person=None)
    with scope(slsp=[world.slsp_a.pk]):
        report, _ = services.open_report(world.slsp_a, YEAR, SEMESTER, referent)
        services.refresh_indicators(report)
    _password(referent)
    with chromium_page() as page:
        login(page, live_server.url, referent.email, PASSWORD)
        page.goto(f"{live_server.url}/rapports/semestriels/{report.uuid}/")
        page.get_by_label("Appréciation générale").fill("Un semestre d'installation.")
        page.get_by_label("Obstacles rencontrés").first.fill("Visite chez M. Lambotte-Fictif.")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        error = page.locator(".field-error").first
        expect(error).to_contain_text("Lambotte")
        # Everything typed is still there.
        expect(page.get_by_label("Appréciation générale")).to_have_value(
            "Un semestre d'installation."
        )
        error.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / "evaluation-refused-name.png", full_page=False)
        page.get_by_label("Obstacles rencontrés").first.fill("Peu de disponibilités.")
        page.get_by_label("Ce qui a fonctionné").first.fill("Visites d'accueil.")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Évaluation enregistrée.")
        page.screenshot(path=SHOTS / "evaluation-beside-figures.png", full_page=True)

    _password(direction)
    with chromium_page() as page:
        login(page, live_server.url, direction.email, PASSWORD)
        page.goto(f"{live_server.url}/rapports/semestriels/{report.uuid}/valider/")
        expect(page.locator("main")).to_contain_text("Partie vide")
        page.screenshot(path=SHOTS / "validate-confirmation.png", full_page=True)
        page.get_by_label("Je confirme que cette évaluation ne nomme aucune personne").check()
        page.get_by_role("button", name="Valider", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Rapport validé")

    with chromium_page() as page:
        login(page, live_server.url, world.users["coordinateur"].email, PASSWORD)
        page.goto(f"{live_server.url}/")
        desk = page.locator("section.desk")
        expect(desk).to_contain_text("Poste de référent vacant")
        desk.screenshot(path=SHOTS / "desk.png")
        desk.locator(".desk-signal", has_text="Poste de référent vacant").get_by_role(
            "link"
        ).click()
        expect(page.locator("main")).to_contain_text(world.slsp_b.official_name)
        page.screenshot(path=SHOTS / "desk-filtered-region.png", full_page=False)
        page.goto(f"{live_server.url}/rapports/region/{world.slsp_a.uuid}/")
        expect(page.locator("main")).to_contain_text("Un semestre d'installation.")
        expect(page.get_by_role("link", name="Réseau de partenaires de la SLSP")).to_be_visible()
        page.screenshot(path=SHOTS / "drill-down-evaluation.png", full_page=True)

import datetime

import pytest

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referent_creates_a_collective_action_and_logs_a_session(live_server, world):
    from django_scopes import scopes_disabled

    from tests.partners.factories import PartnerFactory, SlspPartnerFactory

    with scopes_disabled():
        edd = PartnerFactory(name="École de devoirs de Gembloux", type="ecole_devoirs")
        SlspPartnerFactory(slsp=world.slsp_a, partner=edd)
        PartnerFactory(name="CPAS de Liège", type="cpas")  # not in SLSP A's network
    start = datetime.date.today() - datetime.timedelta(days=30)

    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        click_nav(page, "Actions collectives")
        page.get_by_role("link", name="Nouvelle action collective").click()
        form_text = page.locator("main").inner_text()
        assert "École de devoirs de Gembloux" in form_text and "CPAS de Liège" not in form_text
        page.get_by_label("Type d'action").select_option(label="École de devoirs")
        page.get_by_label("Intitulé").fill("École de devoirs du mercredi")
        page.get_by_label("Quartier / cité").fill("Cité des Prés")
        page.get_by_label("Objectif").fill("Soutenir la scolarité des enfants de la cité")
        page.get_by_label("Début").fill(start.isoformat())
        page.get_by_label("École de devoirs de Gembloux").check()
        # A wrong end date first: refused with a French message, nothing saved.
        page.locator("#id_end_date").fill((start - datetime.timedelta(days=1)).isoformat())
        page.get_by_role("button", name="Créer l'action").click()
        assert "La date de fin précède la date de début." in page.locator("main").inner_text()
        page.screenshot(path=SCREENSHOTS / "collective-form-error.png", full_page=True)
        page.locator("#id_end_date").fill("")
        page.get_by_role("button", name="Créer l'action").click()
        assert "L'action collective a été créée." in page.locator(".messages").inner_text()

        page.locator("#id_participants").fill("16")
        page.get_by_label("Dont locataires").fill("14")
        page.get_by_label("Bénévoles").fill("2")
        page.get_by_label("Note brève").fill("Première séance, bonne ambiance")
        page.get_by_role("button", name="Enregistrer la séance").click()
        assert "enregistrée" in page.locator(".messages").inner_text()
        sessions = page.get_by_role("table").inner_text()
        assert "Première séance, bonne ambiance" in sessions and "16" in sessions
        page.screenshot(path=SCREENSHOTS / "collective-action.png", full_page=True)

        page.get_by_role("link", name="← Actions collectives").click()
        page.screenshot(path=SCREENSHOTS / "collective-list.png", full_page=True)
        assert "École de devoirs du mercredi" in page.locator("main").inner_text()

    with scopes_disabled():
        from apps.collective.models import CollectiveAction

        action = CollectiveAction.objects.get()
        session = action.sessions.get()
        assert (session.participants, session.tenants, session.volunteers) == (16, 14, 2)
        assert list(action.partners.all()) == [edd]

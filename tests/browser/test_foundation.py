import pytest

from tests.accounts.factories import PASSWORD
from tests.browser.helpers import SCREENSHOTS, chromium_page, click_nav, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_french_login_then_referent_sees_only_their_slsp(live_server, world):
    with chromium_page() as page:
        page.goto(live_server.url + "/")
        assert "/comptes/connexion/" in page.url
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("heading", name="Connexion").is_visible()
        page.screenshot(path=SCREENSHOTS / "login.png", full_page=True)

        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        body = page.locator("main").inner_text()
        assert "SLSP A de test" in body
        assert "SLSP B de test" not in body
        page.screenshot(path=SCREENSHOTS / "home-referent.png", full_page=True)

        # A guessed URL of the other SLSP answers 404.
        response = page.goto(f"{live_server.url}/slsp/{world.slsp_b.uuid}/")
        assert response.status == 404


def test_coordinator_sees_every_slsp_and_sorts_the_register(live_server, world):
    coordinator = world.users["coordinateur"]
    with chromium_page() as page:
        login(page, live_server.url, coordinator.email, PASSWORD)
        body = page.locator("main").inner_text()
        assert "SLSP A de test" in body and "SLSP B de test" in body
        click_nav(page, "Registre des SLSP")
        page.wait_for_load_state("networkidle")
        rows = page.locator("tbody tr")
        assert rows.count() == 2
        page.screenshot(path=SCREENSHOTS / "register.png", full_page=True)


def test_keyboard_only_login_on_a_tablet(live_server, world):
    with chromium_page(viewport={"width": 820, "height": 1180}) as page:
        page.goto(live_server.url + "/comptes/connexion/")
        # The e-mail field takes focus on load; type, tab to the password, submit with Enter.
        # Chromium applies autofocus at its next rendering step, which may come after the
        # load event on a busy machine: wait for it rather than type into nothing.
        page.wait_for_function("document.activeElement && document.activeElement.type === 'email'")
        page.keyboard.type("ref.a@example.org")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        assert page.get_by_label("Adresse e-mail").input_value() == "ref.a@example.org"
        assert page.get_by_label("Mot de passe").input_value() == PASSWORD
        # Wait for the answer to the submission itself: "networkidle" can be reached by
        # the login page before a busy browser has even sent the form.
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        assert "SLSP A de test" in page.locator("main").inner_text()
        page.screenshot(path=SCREENSHOTS / "home-tablet.png", full_page=True)

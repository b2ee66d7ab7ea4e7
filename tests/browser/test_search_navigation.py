"""In Chromium: the header's search typed first name first with a typo, the grouped menu
on a phone without JavaScript, and axe-core on every main page of every role."""

import datetime
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from apps.collective import services as collective_services
from apps.collective.models import CollectiveKind
from tests.accounts.factories import PASSWORD
from tests.browser import axe
from tests.browser.helpers import SCREENSHOTS, chromium_page, login
from tests.referrals.factories import make_referral, referral_setup
from tests.search.test_search import make_mathieu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/search") if Path("/work/shots").is_dir() else SCREENSHOTS


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / name, full_page=True)


def test_referent_finds_a_household_typed_first_name_first_with_a_typo(live_server, world):
    household = make_mathieu(world.slsp_a)
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        box = page.get_by_role("search").first.get_by_label("Rechercher")
        box.fill("laura mathiew")
        box.press("Enter")
        page.wait_for_load_state("networkidle")
        households = page.locator("section#search-households, section:has(#search-households)")
        assert households.first.is_visible()
        _shot(page, "search-results.png")
        page.get_by_role("link", name="Mathieu Laura").first.click()
        page.wait_for_load_state("networkidle")
        assert str(household.uuid) in page.url
        # The household list's own search matches the same way.
        page.goto(f"{live_server.url}/menages/?q=arl+123")
        assert page.get_by_role("link", name="Mathieu Laura").count() == 1


def test_the_menu_folds_on_a_phone_and_works_without_javascript(live_server, world):
    with chromium_page(viewport={"width": 390, "height": 844}, javascript=False) as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        nav = page.get_by_role("navigation", name="Navigation principale")
        assert not nav.is_visible()
        _shot(page, "phone-menu-closed.png")
        page.locator("label[for=menu-toggle]").click()
        assert nav.is_visible()
        nav.get_by_text("Ménages et suivis").click()
        _shot(page, "phone-menu-open.png")
        nav.get_by_role("link", name="Suivis", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/accompagnement/suivis/")


def test_desktop_menu_has_six_entries_at_most_and_opens_a_group(live_server, world):
    with chromium_page() as page:
        login(page, live_server.url, "ref.a@example.org", PASSWORD)
        entries = page.locator(".nav-entries > li")
        assert 1 < entries.count() <= 6
        page.locator(".nav-group > summary", has_text="Réseau et actions").click()
        _shot(page, "desktop-menu-open.png")
        nav = page.get_by_role("navigation", name="Navigation principale")
        assert nav.get_by_role("link", name="Conventions").is_visible()
        page.keyboard.press("Escape")
        assert not nav.get_by_role("link", name="Conventions").is_visible()


def _populate(world):
    for slsp, persona in ((world.slsp_a, "referent_a"), (world.slsp_b, "referent_b")):
        user = world.users[persona]
        household = make_mathieu(slsp, reference=f"ARL-{persona}")
        setup = referral_setup(slsp, user, household=household, name=f"CPAS d'Arlon {persona}")
        with scopes_disabled():
            make_referral(setup, user)
            collective_services.create_action(
                slsp,
                user,
                kind=CollectiveKind.FETE_VOISINS,
                title="Fête des voisins",
                objective="Se rencontrer",
                start_date=datetime.date.today() - datetime.timedelta(days=30),
                end_date=None,
                district="Cité de l'Église",
            )


@pytest.mark.parametrize(
    "persona",
    ["referent_a", "accompagnateur_a", "direction_a", "coordinateur", "jury", "admin"],
)
def test_axe_finds_no_serious_or_critical_violation_on_main_pages(live_server, world, persona):
    _populate(world)
    user = world.users[persona]
    found = {}
    with chromium_page(bypass_csp=True) as page:
        login(page, live_server.url, user.email, PASSWORD)
        links = page.eval_on_selector_all(
            "#main-nav a", "els => els.map(a => a.getAttribute('href'))"
        )
        pages = ["/", "/recherche/?q=mathieu", *links]
        if persona.endswith("_a"):
            pages.append("/menages/?q=mathieu")
        for url in dict.fromkeys(pages):
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            problems = axe.violations(page)
            if problems:
                found[url] = problems
    summary = {url: [(v["id"], v["impact"], v["nodes"]) for v in vs] for url, vs in found.items()}
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in summary.items())

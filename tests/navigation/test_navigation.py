"""The menu is grouped by task (at most six top-level entries for any role), folds on
narrow screens without JavaScript, and the home puts the work lists first."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accounts.models import Role
from apps.core.registry import NavItem, registry
from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

PERSONAS = ("referent_a", "accompagnateur_a", "direction_a", "coordinateur", "jury", "admin")


def top_level(html: str) -> list[int]:
    nav = html.split('<ul class="nav-entries">', 1)[1].split("</nav>", 1)[0]
    # Top-level entries: each <li> directly under the list (a group's <details> or a link).
    depth, entries = 0, 0
    for tag in re.findall(r"</?ul|<li", nav):
        if tag == "<ul":
            depth += 1
        elif tag == "</ul":
            depth -= 1
        elif depth == 0:
            entries += 1
    return [entries]


@pytest.mark.parametrize("persona", PERSONAS)
def test_at_most_six_top_level_entries_for_every_role(client_for, world, persona):
    html = client_for(persona).get(reverse("core:home")).content.decode()
    assert top_level(html)[0] <= 6


def test_a_referent_who_also_sits_on_a_jury_still_has_six_entries_at_most(client, world):
    with scopes_disabled():
        user = make_user(Role.REFERENT, world.slsp_a, email="double@example.org")
        user.memberships.create(role=Role.JURY)
    client.force_login(user)
    html = client.get(reverse("core:home")).content.decode()
    flat = len(re.findall(r'<li><a href="', html))
    assert flat > 6  # more pages than top-level entries: they are grouped
    assert top_level(html)[0] <= 6


def test_groups_gather_links_and_mark_the_current_page(client_for, world):
    client = client_for("referent_a")
    html = client.get(reverse("tenants:households")).content.decode()
    group = html.split('<details class="nav-group" data-current>', 1)[1].split("</details>")[0]
    assert "Ménages et suivis" in group
    assert f'href="{reverse("tenants:households")}" aria-current="page"' in group
    assert f'href="{reverse("accompaniment:follow_ups")}"' in group


def test_the_menu_folds_without_javascript(client_for, world):
    html = client_for("referent_a").get(reverse("core:home")).content.decode()
    # A checkbox and its label fold the menu on narrow screens (CSS only), each group is
    # a <details>: both work with JavaScript off.
    assert 'id="menu-toggle"' in html and '<label for="menu-toggle"' in html
    assert html.index('id="menu-toggle"') < html.index('id="main-nav"')
    assert '<details class="nav-group"' in html


def test_an_item_without_group_stays_a_top_level_entry(client_for, world):
    """Backward compatible: NavItem(label, url_name, permission, order) as before."""
    item = NavItem("Essai", "core:search", "core.view_home", order=99)
    registry.add_nav(item)
    try:
        html = client_for("referent_a").get(reverse("core:home")).content.decode()
        assert f'<a href="{reverse("core:search")}">Essai</a>' in html
    finally:
        registry.nav.remove(item)


def test_the_favicon_is_linked_and_served_from_static(client_for, world):
    html = client_for("referent_a").get(reverse("core:home")).content.decode()
    assert re.search(
        r'<link rel="icon" href="/static/favicon[^"]*\.svg" type="image/svg\+xml">', html
    )


def test_home_shows_the_work_lists_before_the_slsp_card(client_for, world):
    html = client_for("referent_a").get(reverse("core:home")).content.decode()
    work = html.index("Nouveaux locataires à accueillir")
    card = html.index("Postes de référent social")
    assert work < card


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_opens_for_the_user_who_sees_it(client_for, world, persona):
    """The menu asks the same rules as the views (no superuser shortcut for the admin)."""
    client = client_for(persona)
    html = client.get(reverse("core:home")).content.decode()
    nav = html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    for url in re.findall(r'<a href="([^"]+)"', nav):
        assert client.get(url, follow=True).status_code == 200, url

"""The interface language is chosen per person (French or German)."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
SECURITY = reverse("accounts:security")
CHANGE = reverse("accounts:language_change")


def lang_of(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_german_speaking_person_gets_german_pages_on_any_browser(world):
    user = world.users["referent_a"]
    User.objects.filter(pk=user.pk).update(language="de")
    client = Client(HTTP_ACCEPT_LANGUAGE="fr-BE")  # a French browser, no cookie
    client.force_login(user)
    response = client.get(HOME)
    assert lang_of(response) == "de"
    assert response["Content-Language"] == "de"
    # Another person keeps French.
    assert lang_of(world.client_for("referent_b").get(HOME)) == "fr"


def test_the_security_page_changes_the_language(world):
    client = world.client_for("direction_a")
    assert lang_of(client.get(SECURITY)) == "fr"
    response = client.post(CHANGE, {"language": "de"})
    assert response.status_code == 302 and response["Location"] == SECURITY
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert User.objects.get(pk=world.users["direction_a"].pk).language == "de"
    assert lang_of(client.get(SECURITY)) == "de"
    # And back.
    client.post(CHANGE, {"language": "fr-be"})
    assert lang_of(client.get(SECURITY)) == "fr"


def test_an_unknown_language_is_refused_in_french_and_nothing_changes(world):
    client = world.client_for("jury")
    response = client.post(CHANGE, {"language": "en"}, follow=True)
    assert "Cette langue n'est pas proposée." in html.unescape(response.content.decode())
    assert User.objects.get(pk=world.users["jury"].pk).language == "fr-be"
    assert client.post(CHANGE, {}).status_code == 302
    assert User.objects.get(pk=world.users["jury"].pk).language == "fr-be"


def test_the_footer_switch_is_saved_on_the_account_of_a_signed_in_person(world):
    client = world.client_for("referent_a")
    client.post(reverse("set_language"), {"language": "de", "next": HOME})
    assert User.objects.get(pk=world.users["referent_a"].pk).language == "de"
    # Another browser of the same person speaks German too.
    other = world.client_for("referent_a")
    assert lang_of(other.get(HOME)) == "de"


def test_the_footer_switch_still_works_before_sign_in(world):
    client = Client()
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert lang_of(client.get(reverse("accounts:login"))) == "de"


def test_a_language_saved_on_the_account_needs_no_extra_query(world, django_assert_max_num_queries):
    client = world.client_for("referent_a")
    client.get(HOME)
    with django_assert_max_num_queries(50) as french:
        client.get(HOME)
    User.objects.filter(pk=world.users["referent_a"].pk).update(language="de")
    with django_assert_max_num_queries(len(french.captured_queries)):
        assert lang_of(client.get(HOME)) == "de"

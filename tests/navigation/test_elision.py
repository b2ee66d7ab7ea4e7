"""French elision in data and generated text: "CPAS d'Arlon", "Séance d'« Atelier »"."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from apps.collective import services as collective_services
from apps.collective.models import CollectiveKind
from apps.core.text import de
from apps.partners.demo import LOCAL_SERVICES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Arlon", "d'Arlon"),
        ("Namur", "de Namur"),
        ("Éghezée", "d'Éghezée"),
        ("Ottignies", "d'Ottignies"),
        ("« Atelier »", "d'« Atelier »"),
        ("« Fête »", "de « Fête »"),
        ("Le Rœulx", "du Rœulx"),
        ("Les Bons Villers", "des Bons Villers"),
        ("La Louvière", "de La Louvière"),
        ("Herstal", "de Herstal"),
    ],
)
def test_de_elides_before_a_vowel(name, expected):
    assert de(name) == expected


def test_demo_partners_are_named_with_elision():
    pattern = dict(LOCAL_SERVICES)["cpas"]
    assert pattern.format(de_c=de("Arlon")) == "CPAS d'Arlon"
    assert pattern.format(de_c=de("Namur")) == "CPAS de Namur"


def test_template_filter_follows_the_language():
    template = Template("{% load text %}{{ name|de }} / {{ title|de_quoted }}")
    context = Context({"name": "Arlon", "title": "Atelier"})
    with translation.override("fr"):
        assert template.render(context) == "d&#x27;Arlon / d&#x27;« Atelier »"
    with translation.override("de"):
        assert template.render(context) == "von Arlon / von „Atelier“"


@pytest.mark.django_db
def test_session_page_title_is_elided(client_for, world):
    with scopes_disabled():
        action = collective_services.create_action(
            world.slsp_a,
            world.users["referent_a"],
            kind=CollectiveKind.ATELIER_EXPRESSION,
            title="Atelier cuisine",
            objective="Cuisiner ensemble",
            start_date=datetime.date.today() - datetime.timedelta(days=3),
            end_date=None,
            district="",
        )
    url = reverse("collective:session_add", kwargs={"uuid": action.uuid})
    html = client_for("referent_a").get(url).content.decode()
    assert "Séance d&#x27;« Atelier cuisine »" in html

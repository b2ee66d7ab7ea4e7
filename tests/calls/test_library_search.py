"""The good-practice library: search, filters (domain, category, province, year) and each
entry's public summary."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.calls.models import Action, CallStatus, Decision, DossierStatus, Outcome
from apps.slsps.models import Province
from tests.calls import factories as f
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db
URL = reverse("calls:library")


def _selected(call, title, *, province=Province.NAMUR, domains=("habiter",), publics=("transit",),
              outcome=Outcome.SELECTED, summary="Un projet.", action="Accueil"):  # fmt: skip
    with scopes_disabled():
        dossier = f.make_dossier(
            call,
            SlspFactory(province=province),
            status=DossierStatus.SUBMITTED,
            title=title,
            domains=list(domains),
            target_publics=list(publics),
            summary=summary,
        )
        dossier.actions.update(title=action)
        Decision.objects.create(dossier=dossier, outcome=outcome, rationale="Jury")
    return dossier


def _call(year):
    closes = datetime.datetime(year, 10, 15, 12, tzinfo=datetime.UTC)
    return f.make_call(
        CallStatus.DECIDED, opens_at=closes - datetime.timedelta(days=30), closes_at=closes
    )


def _titles(response) -> list[str]:
    html = response.content.decode()
    return sorted(
        unescape(re.sub(r"<[^>]+>", "", p.split("</h2>")[0])) for p in html.split("<h2>")[1:]
    )


@pytest.fixture
def library(world):
    old, new = _call(2024), _call(2025)
    _selected(old, "Ateliers du bien-habiter", summary="Apprendre à gérer son logement.")
    _selected(new, "Plan d'apurement", domains=["impayes"], province=Province.HAINAUT,
              action="Permanence budget")  # fmt: skip
    _selected(new, "Déménager sans perdre pied", domains=["relogement"], publics=["insertion"],
              province=Province.LIEGE)  # fmt: skip
    _selected(new, "Refusé", outcome=Outcome.REJECTED)
    return world.client_for("referent_a")


def test_library_is_searchable_and_filterable(library):
    """Wrong before: a flat list with no search."""
    every = ["Ateliers du bien-habiter", "Déménager sans perdre pied", "Plan d'apurement"]
    assert _titles(library.get(URL)) == every
    assert _titles(library.get(URL, {"q": "logement"})) == ["Ateliers du bien-habiter"]
    assert _titles(library.get(URL, {"q": "permanence"})) == ["Plan d'apurement"]  # an action
    assert _titles(library.get(URL, {"domain": "impayes"})) == ["Plan d'apurement"]
    assert _titles(library.get(URL, {"domain": "relogement"})) == ["Déménager sans perdre pied"]
    assert _titles(library.get(URL, {"category": "insertion"})) == ["Déménager sans perdre pied"]
    assert _titles(library.get(URL, {"province": "HT"})) == ["Plan d'apurement"]
    assert _titles(library.get(URL, {"year": "2024"})) == ["Ateliers du bien-habiter"]
    assert _titles(library.get(URL, {"year": "2025", "domain": "impayes"})) == ["Plan d'apurement"]
    page = library.get(URL).content.decode()
    assert "Pédagogie de l&#x27;habiter" in page or "Pédagogie de l&#39;habiter" in page
    assert '<option value="2025">2025</option>' in page


def test_bad_filters_answer_with_a_message_and_keep_what_was_typed(library):
    response = library.get(URL, {"q": "x" * 101, "year": "1850", "province": "ZZ"})
    html = response.content.decode()
    assert response.status_code == 200
    assert _titles(response) == []
    errors = response.context["filter"].form.errors
    assert {"q", "year", "province"} <= set(errors)
    assert "x" * 101 in html  # kept in the search box


def test_each_entry_links_to_the_public_summary(library, world):
    response = library.get(URL, {"q": "apurement"})
    link = re.search(r'<h2><a href="([^"]+)">', response.content.decode()).group(1)
    entry = library.get(link)
    html = entry.content.decode()
    assert entry.status_code == 200
    assert "Plan d&#x27;apurement" in html or "Plan d&#39;apurement" in html
    assert "Permanence budget" in html
    # A rejected dossier has no public summary.
    with scopes_disabled():
        rejected = Decision.objects.get(outcome=Outcome.REJECTED).dossier
    url = reverse("calls:library_entry", kwargs={"uuid": rejected.uuid})
    assert library.get(url).status_code == 404
    assert world.client_for("jury").get(link).status_code == 404


@pytest.mark.parametrize("params", [{}, {"q": "projet", "domain": "habiter", "year": "2025"}])
def test_library_query_count_is_constant_with_1_3_and_60_dossiers(world, params):
    client = world.client_for("referent_a")
    call = _call(2025)
    counts = []
    made = 0
    for n in (1, 3, 60):
        for i in range(made, n):
            _selected(call, f"Projet {i:02d}")
        made = n
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, params).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] == counts[2], counts


def test_library_entry_query_count_does_not_grow_with_actions(world):
    client = world.client_for("referent_a")
    dossier = _selected(_call(2025), "Projet")
    url = reverse("calls:library_entry", kwargs={"uuid": dossier.uuid})
    counts = []
    for n in (1, 3, 60):
        Action.objects.bulk_create(
            Action(dossier=dossier, title=f"A{i}", individual=True)
            for i in range(dossier.actions.count(), n)
        )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] == counts[2], counts

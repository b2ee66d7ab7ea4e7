"""The good-practice library: selected dossiers of decided calls, a page at a time."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.calls.models import CallStatus, Decision, DossierStatus, Outcome
from tests.calls import factories as f
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db
URL = reverse("calls:library")


def decided(n, outcome=Outcome.SELECTED, call=None):
    call = call or f.make_call(CallStatus.DECIDED)
    with scopes_disabled():
        for i in range(n):
            dossier = f.make_dossier(
                call, SlspFactory(), status=DossierStatus.SUBMITTED, title=f"Pratique {i:02d}"
            )
            Decision.objects.create(dossier=dossier, outcome=outcome, rationale="Jury")
    return call


def titles(response) -> list[str]:
    html = response.content.decode()
    return [re.sub(r"<[^>]+>", "", part.split("</h2>")[0]) for part in html.split("<h2>")[1:]]


def test_library_pages_through_the_selected_dossiers(client_for, world):
    call = decided(23)
    decided(2, Outcome.REJECTED, call)
    client = client_for("referent_a")
    first = client.get(URL)
    assert titles(first) == [f"Pratique {i:02d}" for i in range(20)]
    assert "Page 1 sur 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert titles(second) == [f"Pratique {i:02d}" for i in range(20, 23)]
    # Bad page numbers fall back as Django's paginator does: first or last page.
    assert titles(client.get(URL, {"page": "deux"})) == titles(first)
    assert titles(client.get(URL, {"page": 99})) == titles(second)


def test_library_query_count_does_not_grow_with_the_dossiers(client_for, world):
    client = client_for("referent_a")
    call = decided(1)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx)

    one = count()
    decided(19, call=call)
    assert count() == one

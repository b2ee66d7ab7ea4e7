"""The SWL's regional table through the API: the same function as the page, so the same
figures and the same suppression of small counts; SLSP tokens are refused."""

from __future__ import annotations

import pytest

from apps.core import registry as registry_module
from apps.core.disclosure import MASKED, SUPPRESSED
from apps.core.registry import RegionalMetric
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/regional/"


@pytest.fixture
def small_counts(world, monkeypatch):
    """A metric about people with a count of 3 (suppressed) and one of 7 (shown)."""
    people = RegionalMetric(
        "menages_test", "Ménages", lambda ids: {world.slsp_a.pk: 3, world.slsp_b.pk: 7}, 99, True
    )
    monkeypatch.setattr(
        registry_module.registry, "metrics", [*registry_module.registry.metrics, people]
    )


@pytest.mark.parametrize("query", ["", "?tri=-menages_test", "?province=NA"])
def test_the_api_gives_the_pages_figures_with_the_same_suppression(
    tokens, world, client_for, small_counts, query
):
    page = client_for("coordinateur").get(f"/rapports/region/{query}")
    table = page.context["table"]
    response = tokens.client("swl").get(f"{URL}{query}")
    assert response.status_code == 200
    body = response.json()
    keys = [c.key for c in table.columns]
    assert [c["key"] for c in body["columns"]] == keys
    assert [(row["slsp"], [row["values"][k] for k in keys]) for row in body["rows"]] == [
        (row.slsp.official_name, row.values) for row in table.rows
    ]
    assert [body["totals"][k] for k in keys] == table.totals
    if not query.startswith("?province"):
        shown = {row["slsp"]: row["values"]["menages_test"] for row in body["rows"]}
        # B's 7 beside the total would give A's 3: hidden too, in the API as on the page.
        assert shown["SLSP A de test"] == SUPPRESSED and shown["SLSP B de test"] == MASKED


@pytest.mark.parametrize("name", ["slsp_a", "referrals_only_a"])
def test_an_slsp_token_gets_403(tokens, name):
    response = tokens.client(name).get(URL)
    assert response.status_code == 403
    assert response.json() == {"detail": "Ce jeton n'a pas la portée « regional:read »."}


def test_a_bad_filter_gets_400_in_french(tokens):
    response = tokens.client("swl").get(URL, {"province": "Atlantide"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Filtre invalide : province."}


def test_regional_reads_log_nothing_personal(tokens):
    from apps.accounts.models import AccessLog

    tokens.client("swl").get(URL)
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("extra", [0, 2])
def test_query_count_does_not_grow_with_the_slsps(
    tokens, world, extra, django_assert_max_num_queries
):
    for i in range(extra):
        SlspFactory(official_name=f"SLSP de plus {i}")
    api = tokens.client("swl")
    api.get(URL)
    # Token, SLSPs, one aggregate per registered metric.
    bound = 2 + len(registry_module.registry.metrics)
    with django_assert_max_num_queries(bound):
        assert len(api.get(URL).json()["rows"]) == 2 + extra

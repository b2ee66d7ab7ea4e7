"""The SLSP's referral statuses for its own tools: its SLSP only, no name nor free text,
one access-log row per referral read, a query count that does not grow with the rows."""

from __future__ import annotations

import pytest

from apps.accounts.models import AccessLog
from tests.referrals.factories import make_referral, make_sent_referral, referral_setup

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"


def _referrals(world, slsp, count: int) -> list:
    user = world.users["referent_a" if slsp == world.slsp_a else "referent_b"]
    made = []
    for i in range(count):
        setup = referral_setup(slsp, user)
        made.append(make_sent_referral(setup, user) if i % 2 else make_referral(setup, user))
    return made


def test_lists_its_own_slsps_referrals_without_names(tokens, world):
    mine = _referrals(world, world.slsp_a, 2)
    _referrals(world, world.slsp_b, 1)
    response = tokens.client("slsp_a").get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {item["uuid"] for item in body["items"]} == {str(r.uuid) for r in mine}
    item = body["items"][0]
    assert set(item) == {
        "uuid",
        "status",
        "outcome",
        "proposed_at",
        "sent_at",
        "answered_at",
        "started_at",
        "closed_at",
        "sharing_stopped_at",
    }
    text = response.content.decode()
    assert "Durand" not in text and "apurement" not in text  # no name, no reason
    # SLSP B's token sees only SLSP B's referral.
    assert tokens.client("slsp_b").get(URL).json()["count"] == 1


def test_every_referral_read_is_in_the_access_log(tokens, world):
    referrals = _referrals(world, world.slsp_a, 3)
    tokens.client("slsp_a").get(URL, {"limit": 2})
    rows = AccessLog.objects.filter(view_name="api:referrals")
    assert rows.count() == 2
    by_id = {str(r.uuid): r for r in referrals}
    for row in rows:
        referral = by_id[row.object_id]
        assert row.subject_household == referral.household_id
        assert row.slsp_id == world.slsp_a.pk and row.user is None
        assert "Outil slsp_a" in row.reason


def test_status_filter_and_pagination(tokens, world):
    _referrals(world, world.slsp_a, 3)  # proposed, sent, proposed
    api = tokens.client("slsp_a")
    assert api.get(URL, {"status": "sent"}).json()["count"] == 1
    page = api.get(URL, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and len(page["items"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "perdu"}, "Requête invalide : vérifiez status."),
        ({"limit": 0}, "limit doit être entre 1 et 500"),
        ({"limit": "beaucoup"}, "Requête invalide : vérifiez limit."),
        ({"offset": -1}, "offset positif"),
    ],
)
def test_bad_query_gets_400_in_french(tokens, world, query, message):
    response = tokens.client("slsp_a").get(URL, query)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not AccessLog.objects.filter(view_name="api:referrals").exists()


@pytest.mark.parametrize("name", ["swl"])
def test_a_token_without_the_scope_gets_403(tokens, name):
    response = tokens.client(name).get(URL)
    assert response.status_code == 403
    assert response.json() == {"detail": "Ce jeton n'a pas la portée « referrals:read »."}


@pytest.mark.parametrize("count", [1, 3])
def test_query_count_does_not_grow_with_the_rows(
    tokens, world, count, django_assert_max_num_queries
):
    _referrals(world, world.slsp_a, count)
    api = tokens.client("slsp_a")
    api.get(URL)  # last use recorded once
    with django_assert_max_num_queries(4):  # token, count, page, access-log INSERT
        assert len(api.get(URL).json()["items"]) == count

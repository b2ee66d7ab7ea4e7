"""Indicator arithmetic: figures counted from the rows the test created."""

import pytest
from django_scopes import scope

from apps.reports import indicators
from tests.reports.factories import SEMESTER, YEAR, make_activity

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scale", [1, 3])
def test_indicators_match_the_activity(world, scale):
    expected = make_activity(world.slsp_a, world.users["referent_a"], scale=scale)
    # Activity of another SLSP never counts.
    make_activity(world.slsp_b, world.users["referent_b"])
    with scope(slsp=[world.slsp_a.pk]):
        ind = indicators.compute(world.slsp_a.pk, YEAR, SEMESTER)
    assert ind["follow_ups"] == {
        "opened": expected.opened,
        "closed": expected.closed,
        "active": expected.active,
    }
    by_domain = {row["domain"]: row for row in ind["follow_ups_by_domain"]}
    assert by_domain["impayes"]["active"] == scale and by_domain["habiter"]["opened"] == scale
    assert by_domain["relogement"] == {
        "domain": "relogement",
        "opened": 0,
        "closed": scale,
        "active": 0,
    }
    assert ind["moments_total"] == expected.moments
    kinds = {row["kind"]: row["count"] for row in ind["moments_by_kind"]}
    assert kinds == {"accueil": scale, "entretien_impayes": scale, "demenagement": scale}
    assert ind["welcome"]["new_households"] == expected.new_households
    assert ind["welcome"]["welcomed"] == expected.welcomed
    assert ind["welcome"]["coverage"] == 50.0
    assert ind["relocations"] == {"accompanied": scale, "rehoused": scale}
    network = {row["kind"]: row for row in ind["network"]["by_kind"]}
    assert network["training"]["present"] == 1 and network["intervision"]["present"] == 0
    assert network["intervision"]["invited"] == 1
    assert ind["partners"]["linked"] == 1 and ind["partners"]["agreements_active"] == 1
    if expected.referrals:
        referrals = ind["referrals"]
        assert referrals["total"] == expected.referrals
        assert referrals["median_response_days"] == expected.median_days
        assert referrals["by_status"] == {"accepted": 1, "refused": 1, "closed": 1}
        assert referrals["by_outcome"] == {"objectif_atteint": 1}
        cpas = next(r for r in referrals["by_type"] if r["type"] == "cpas")
        assert cpas == {"type": "cpas", "total": 2, "accepted": 1, "refused": 1}
    if "collective" not in ind["unavailable"]:
        assert ind["collective"]["sessions"] == expected.sessions
        assert ind["collective"]["participants"] == expected.participants
        assert ind["collective"]["actions"] == 1


def test_welcome_window_is_a_setting(world, settings):
    make_activity(world.slsp_a, world.users["referent_a"])
    settings.REPORTS_WELCOME_DAYS = 5  # the February visit came after 10 days
    with scope(slsp=[world.slsp_a.pk]):
        ind = indicators.compute(world.slsp_a.pk, YEAR, SEMESTER)
    assert ind["welcome"] == {"days": 5, "new_households": 2, "welcomed": 0, "coverage": 0.0}


def test_an_empty_semester_gives_zeros_not_errors(world):
    with scope(slsp=[world.slsp_a.pk]):
        ind = indicators.compute(world.slsp_a.pk, 2024, 2)
    assert ind["follow_ups"] == {"opened": 0, "closed": 0, "active": 0}
    assert ind["welcome"]["coverage"] is None
    assert ind["moments_by_kind"] == []


def test_indicators_hold_no_personal_field(world):
    make_activity(world.slsp_a, world.users["referent_a"])
    with scope(slsp=[world.slsp_a.pk]):
        ind = indicators.compute(world.slsp_a.pk, YEAR, SEMESTER)
    text = repr(ind)
    for needle in ("Vandenberghe", "Oukacha", "Lambotte", "Ménage", "@example.org", "apurement"):
        assert needle not in text


def test_indicators_cost_a_fixed_number_of_queries(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_activity(world.slsp_a, world.users["referent_a"], scale=1)
    make_activity(world.slsp_b, world.users["referent_b"], scale=4)
    counts = []
    for slsp in (world.slsp_a, world.slsp_b):
        with scope(slsp=[slsp.pk]), CaptureQueriesContext(connection) as ctx:
            indicators.compute(slsp.pk, YEAR, SEMESTER)
        counts.append(len(ctx.captured_queries))
    # One aggregate per published figure (three semesters) and per breakdown, whatever the volume.
    assert counts[0] == counts[1] <= 50

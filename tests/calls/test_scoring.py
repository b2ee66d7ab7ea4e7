"""Arithmetic of the consolidation: weights, non-counting criteria, ties, missing scores."""

from decimal import Decimal

import pytest

from apps.calls import scoring
from apps.calls.scoring import CriterionSpec


def spec(id, weight=1, counts=True, low=0, high=5):
    return CriterionSpec(id, f"C{id}", Decimal(weight), low, high, counts)


def test_weighted_total_normalised_to_100():
    criteria = [spec(1, weight=2), spec(2, weight=1)]
    # (2 * 5/5 + 1 * 0/5) / 3 * 100
    assert scoring.weighted_total(criteria, {1: 5, 2: 0}) == pytest.approx(66.6667, abs=1e-3)


def test_scale_minimum_is_zero_percent():
    criteria = [spec(1, low=1, high=4)]
    assert scoring.weighted_total(criteria, {1: 1}) == 0
    assert scoring.weighted_total(criteria, {1: 4}) == 100


def test_informing_criterion_never_counts():
    criteria = [spec(1), spec(2, weight=10, counts=False)]
    assert scoring.weighted_total(criteria, {1: 5, 2: 0}) == 100
    results = scoring.consolidate(criteria, {7: {1: {1: 5, 2: 0}, 2: {1: 5, 2: 5}}}, 1.5)
    # Jurors disagree totally on the informing criterion: it does not flag the dossier.
    assert results[7].total == 100
    assert results[7].flagged is False


def test_missing_scores_are_left_out_not_zero():
    criteria = [spec(1), spec(2)]
    # Juror 1 scored both, juror 2 only criterion 1.
    results = scoring.consolidate(criteria, {1: {10: {1: 4, 2: 2}, 20: {1: 2, 2: None}}}, 9)
    stats = {s.criterion.id: s for s in results[1].criteria}
    assert stats[1].mean == 3 and stats[1].n == 2
    assert stats[2].mean == 2 and stats[2].n == 1
    assert results[1].total == pytest.approx(50)  # (3/5 + 2/5) / 2


def test_no_score_at_all_gives_no_total():
    criteria = [spec(1)]
    assert scoring.weighted_total(criteria, {}) is None
    assert scoring.weighted_total(criteria, {1: None}) is None


def test_mean_spread_and_disagreement_flag():
    criteria = [spec(1), spec(2)]
    results = scoring.consolidate(criteria, {1: {1: {1: 0, 2: 3}, 2: {1: 5, 2: 3}}}, 1.5)
    stats = {s.criterion.id: s for s in results[1].criteria}
    assert stats[1].mean == 2.5 and stats[1].spread == 2.5 and stats[1].disagreement
    assert stats[2].spread == 0 and not stats[2].disagreement
    assert results[1].flagged


def test_ranking_shows_ties_and_puts_unscored_last():
    rows = [
        scoring.DossierResult(1, 50.0, None, [], 1, False),
        scoring.DossierResult(2, 80.0, None, [], 1, False),
        scoring.DossierResult(3, None, None, [], 0, False),
        scoring.DossierResult(4, 80.001, None, [], 1, False),
        scoring.DossierResult(5, 40.0, None, [], 1, False),
    ]
    ordered = scoring.rank(rows)
    assert [(r.dossier_id, r.rank) for r in ordered] == [
        (4, 1),
        (2, 1),
        (1, 3),
        (5, 4),
        (3, None),
    ]


def test_cumulative_amount_against_budget():
    rows = scoring.rank(
        [
            scoring.DossierResult(1, 90.0, None, [], 1, False),
            scoring.DossierResult(2, 80.0, None, [], 1, False),
            scoring.DossierResult(3, 70.0, None, [], 1, False),
        ]
    )
    scoring.cumulate(rows, {1: Decimal("40"), 2: Decimal("50"), 3: Decimal("30")}, Decimal("100"))
    assert [(r.cumulative, r.within_budget) for r in rows] == [
        (Decimal("40"), True),
        (Decimal("90"), True),
        (Decimal("120"), False),
    ]


def test_per_juror_normalisation_levels_a_severe_juror():
    criteria = [spec(1)]
    # Juror 1 scores everything low, juror 2 high; both prefer dossier A to B.
    scores = {
        "A": {1: {1: 2}, 2: {1: 5}},
        "B": {1: {1: 1}, 2: {1: 4}},
    }
    results = scoring.consolidate(criteria, scores, 5)
    assert results["A"].z_score == pytest.approx(1.0)
    assert results["B"].z_score == pytest.approx(-1.0)
    assert results["A"].juror_totals == {1: 40.0, 2: 100.0}

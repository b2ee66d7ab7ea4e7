"""Consolidation of the jury's scores: pure arithmetic on plain values (no queries).

Rules (tested in tests/calls/test_scoring.py):
- a score is normalised to 0-100 on its criterion's scale: (value - min) / (max - min);
- a dossier's weighted total is the weighted mean of its per-criterion mean scores,
  over the criteria that COUNT and that at least one juror scored, x 100;
  criteria that only inform are shown but never enter the total; a missing score is
  left out (never read as zero); a dossier no juror scored has no total;
- spread = population standard deviation of the jurors' scores on one criterion;
  a dossier is flagged when a counting criterion's spread exceeds the call's threshold;
- per-juror normalisation: each juror's per-dossier totals become z-scores over the
  dossiers that juror scored (a juror scoring everything high or low is levelled);
- ranking: by total, highest first; equal totals (to 0.01) share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    label: str
    weight: Decimal
    scale_min: int
    scale_max: int
    counts: bool


@dataclass
class CriterionStats:
    criterion: CriterionSpec
    n: int
    mean: float | None
    spread: float | None
    disagreement: bool


@dataclass
class DossierResult:
    dossier_id: int
    total: float | None
    z_score: float | None
    criteria: list[CriterionStats]
    jurors: int
    flagged: bool
    rank: int | None = None
    cumulative: Decimal | None = None
    within_budget: bool | None = None
    juror_totals: dict[int, float] = field(default_factory=dict)
    # The dossier row the result is shown with (set by the ranking query; the arithmetic
    # here never reads it, and this module stays free of models).
    dossier: Any = None


def weighted_total(criteria: list[CriterionSpec], means: dict[int, float]) -> float | None:
    """Weighted mean of normalised means over counting criteria with a value, x 100."""
    return _weighted(_counting(criteria), means)


def _counting(criteria: list[CriterionSpec]) -> list[tuple[int, float, float, float]]:
    """(id, weight, scale minimum, scale width) of the counting criteria, as floats.

    Converted once per consolidation rather than once per juror and dossier (the
    Decimal-to-float conversions dominated); float - int and float / int convert the int
    exactly, so `_weighted` gives the same float as (value - min) / (max - min) would.
    """
    return [
        (c.id, float(c.weight), float(c.scale_min), float(c.scale_max - c.scale_min))
        for c in criteria
        if c.counts
    ]


def _weighted(
    counting: list[tuple[int, float, float, float]], means: Mapping[int, float | None]
) -> float | None:
    num = 0.0
    den = 0.0
    for criterion_id, weight, low, width in counting:
        value = means.get(criterion_id)
        if value is None:
            continue
        num += weight * ((float(value) - low) / width)
        den += weight
    if den == 0:
        return None
    return round(100 * num / den, 4)


def _mean_spread(values: list[float]) -> tuple[float | None, float | None]:
    """Mean and population standard deviation of plain floats.

    statistics.pstdev converts every value to an exact fraction, which dominated the
    ranking page (60 dossiers x criteria); fsum keeps the sums correctly rounded.
    """
    n = len(values)
    if not n:
        return None, None
    mean = math.fsum(values) / n
    if n == 1:
        return mean, 0.0
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / n)


def consolidate(
    criteria: list[CriterionSpec],
    scores: dict[int, dict[int, dict[int, Decimal | None]]],
    threshold: Decimal | float,
) -> dict[int, DossierResult]:
    """`scores[dossier_id][juror_id][criterion_id] = value` (submitted reviews only)."""
    results: dict[int, DossierResult] = {}
    juror_dossier_totals: dict[int, dict[int, float]] = {}
    counting = _counting(criteria)
    limit = float(threshold)
    for dossier_id, raw_by_juror in scores.items():
        # Each score converted to float once (it enters a mean and a juror's total).
        by_juror = {
            juror_id: {k: float(v) for k, v in juror_scores.items() if v is not None}
            for juror_id, juror_scores in raw_by_juror.items()
        }
        stats = []
        means: dict[int, float | None] = {}
        flagged = False
        for c in criteria:
            criterion_values = [v[c.id] for v in by_juror.values() if c.id in v]
            mean, spread = _mean_spread(criterion_values)
            disagreement = bool(c.counts and spread is not None and spread > limit)
            flagged = flagged or disagreement
            means[c.id] = mean
            stats.append(CriterionStats(c, len(criterion_values), mean, spread, disagreement))
        juror_totals: dict[int, float] = {}
        for juror_id, juror_scores in by_juror.items():
            total = _weighted(counting, juror_scores)
            if total is not None:
                juror_totals[juror_id] = total
                juror_dossier_totals.setdefault(juror_id, {})[dossier_id] = total
        results[dossier_id] = DossierResult(
            dossier_id=dossier_id,
            total=_weighted(counting, means),
            z_score=None,
            criteria=stats,
            jurors=len(by_juror),
            flagged=flagged,
            juror_totals=juror_totals,
        )
    # Per-juror z-scores, then each dossier's mean z over its jurors.
    z_by_dossier: dict[int, list[float]] = {}
    for totals in juror_dossier_totals.values():
        mu, sigma = _mean_spread(list(totals.values()))
        for dossier_id, juror_total in totals.items():
            # A juror who gave every dossier the same total levels nothing: z = 0.
            z = 0.0 if mu is None or not sigma else (juror_total - mu) / sigma
            z_by_dossier.setdefault(dossier_id, []).append(z)
    for dossier_id, zs in z_by_dossier.items():
        results[dossier_id].z_score = round(statistics.fmean(zs), 3)
    return results


def rank(
    rows: Sequence[DossierResult],
    key: Callable[[DossierResult], float | None] = lambda r: r.total,
) -> list[DossierResult]:
    """Sort by total (None last) and give equal totals (to 0.01) the same rank."""
    ordered = sorted(rows, key=lambda r: (key(r) is None, -(key(r) or 0)))
    previous = None
    current_rank = 0
    for position, row in enumerate(ordered, start=1):
        value = key(row)
        if value is None:
            row.rank = None
            continue
        rounded = round(value, 2)
        if rounded != previous:
            current_rank = position
            previous = rounded
        row.rank = current_rank
    return ordered


def cumulate(
    ordered: Sequence[DossierResult], amounts: Mapping[int, Decimal | None], budget: Decimal
) -> None:
    """Running total of the requested amounts, in ranking order, against the budget."""
    running = Decimal("0")
    for row in ordered:
        running += amounts.get(row.dossier_id) or Decimal("0")
        row.cumulative = running
        row.within_budget = running <= budget

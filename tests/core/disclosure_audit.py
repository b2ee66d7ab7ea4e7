"""An adversary for disclosure control: from everything published about a column of counts
(cells, group totals, filtered totals, from every output together), work out each hidden
number's smallest and largest possible value by linear programming (scipy's linprog).

A published number is a set of rows and what is shown for their sum:
- an int: an equation;
- "<5": the sum is 1 to 4;
- "x" on one row or on a whole published group: 5 or more (the adversary knows the
  method: a complementary suppression is never a small count);
- "x" on any other set (a filtered total with a hidden part): nothing;
- "—": an unknown row, in no total.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np
from scipy.optimize import linprog

from apps.core.disclosure import MASKED, SMALL_COUNT, SUPPRESSED, UNKNOWN

Published = tuple[frozenset, object]


def intervals(
    published: Iterable[Published], groups: Iterable[frozenset] = ()
) -> dict[frozenset, tuple[float, float]]:
    """For each row or group published hidden ("<5" or "x"): (min, max) of its value over
    every assignment of counts consistent with everything published. (A filtered total
    shown "x" because one of its parts is hidden is no count of its own: not a target.)"""
    published = [(frozenset(rows), shown) for rows, shown in published if rows]
    groups = {frozenset(g) for g in groups}
    rows: list[Hashable] = sorted(
        {r for s, shown in published if shown != UNKNOWN for r in s}, key=str
    )
    index = {r: i for i, r in enumerate(rows)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []

    def vector(s: frozenset) -> np.ndarray:
        v = np.zeros(len(rows))
        for r in s:
            v[index[r]] = 1
        return v

    for s, shown in published:
        if shown == UNKNOWN:
            continue
        v = vector(s)
        if isinstance(shown, int):
            a_eq.append(v)
            b_eq.append(shown)
        elif shown == SUPPRESSED:
            a_ub += [v, -v]
            b_ub += [SMALL_COUNT - 1, -1]
        elif shown == MASKED and (len(s) == 1 or s in groups):
            a_ub.append(-v)
            b_ub.append(-SMALL_COUNT)
    kwargs = {
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": np.array(b_eq) if b_eq else None,
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": np.array(b_ub) if b_ub else None,
        "bounds": [(0, None)] * len(rows),
        "method": "highs",
    }
    result: dict[frozenset, tuple[float, float]] = {}
    for s, shown in published:
        if shown not in (SUPPRESSED, MASKED) or s in result:
            continue
        if shown == MASKED and len(s) > 1 and s not in groups:
            continue
        v = vector(s)
        low = linprog(v, **kwargs)
        high = linprog(-v, **kwargs)
        assert low.status == 0, f"published figures are inconsistent: {low.message}"
        hi = float("inf") if high.status == 3 else -high.fun
        result[s] = (low.fun, hi)
    return result


def derivable(
    published: Iterable[Published], groups: Iterable[frozenset] = ()
) -> list[tuple[frozenset, tuple[float, float]]]:
    """Hidden sets whose value the published figures pin down to one number."""
    return [(s, (lo, hi)) for s, (lo, hi) in intervals(published, groups).items() if hi - lo < 0.5]

"""Display-only formatting of the consolidated ranking (the stored totals stay Decimal).

The ranking table has one cell per dossier and criterion (60 x 10 on a regional call);
running Django's floatformat filter and template tags for each cell dominated the page.
The cells are formatted here once, with the same rounding as `floatformat:2`
(ROUND_HALF_UP on the shortest repr, no "-0.00") and the active locale's separator.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.safestring import mark_safe

CENT = Decimal("0.01")


def two_decimals(value, separator: str) -> str:
    """Same text as the `floatformat:2` filter; "" for None (so `default` still works)."""
    if value is None:
        return ""
    rounded = Decimal(repr(value) if isinstance(value, float) else value).quantize(
        CENT, ROUND_HALF_UP
    )
    if not rounded:
        rounded = abs(rounded)
    return f"{rounded:f}".replace(".", separator)


def ranking_cells(rows: list, criteria: list) -> None:
    """Give each ranking row its formatted figures and its criterion cells as HTML."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    empty = mark_safe('<td class="num">—</td>' * len(criteria))  # noqa: S308 (constant)
    for row in rows:
        row.total_text = two_decimals(row.total, separator)
        row.z_text = two_decimals(row.z_score, separator)
        if not row.criteria:
            row.cells_html = empty
            continue
        # Only digits, signs and the locale's separator go in: nothing to escape.
        row.cells_html = mark_safe(  # noqa: S308
            "".join(
                f'<td class="num{" disagreement" if s.disagreement else ""}">'
                + (
                    f"{two_decimals(s.mean, separator)}<br>"
                    f'<span class="muted">± {two_decimals(s.spread, separator)}</span>'
                    if s.mean is not None
                    else "—"
                )
                + "</td>"
                for s in row.criteria
            )
        )

"""Display-only formatting of the consolidated ranking (the stored totals stay Decimal).

The ranking table has one row per dossier and one cell per criterion (60 x 10 on a
regional call); running Django's template engine, floatformat and {% url %} for each
row and cell took more than half of the page. Each row's markup is built here once,
with the same text as the template filters it replaces (tested against them in
tests/calls/test_display.py): `floatformat:2` and `floatformat:"2g"` rounding
(ROUND_HALF_UP, no "-0.00"), the active locale's separators, the same translations.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.urls import reverse
from django.utils import formats, numberformat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

CENT = Decimal("0.01")
# Reversed once per page, then each dossier's uuid is put in its place.
PLACEHOLDER = UUID(int=0)


def _fixed(value) -> str:
    """The `floatformat:2` digits with a "." separator (ROUND_HALF_UP, never "-0.00")."""
    rounded = Decimal(repr(value) if isinstance(value, float) else value).quantize(
        CENT, ROUND_HALF_UP
    )
    if not rounded:
        rounded = abs(rounded)
    return f"{rounded:f}"


def two_decimals(value, separator: str) -> str:
    """Same text as the `floatformat:2` filter; "" for None (so `default` still works)."""
    if value is None:
        return ""
    return _fixed(value).replace(".", separator)


def _url_maker(name: str):
    pattern = escape(reverse(name, kwargs={"uuid": PLACEHOLDER}))
    placeholder = str(PLACEHOLDER)
    return lambda uuid: pattern.replace(placeholder, str(uuid))


def ranking_rows(rows: list, criteria: list, can_decide: bool) -> None:
    """Give each ranking row its figures as text (`total_text`, `z_text`) and its `<tr>`."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    grouping = formats.get_format("NUMBER_GROUPING")
    thousands = formats.get_format("THOUSAND_SEPARATOR")

    def amount(value) -> str:  # floatformat:"2g"
        if value is None:
            return ""
        return numberformat.format(
            _fixed(value), separator, 2, grouping, thousands, force_grouping=True
        )

    dossier_url = _url_maker("calls:dossier_detail")
    decision_url = _url_maker("calls:decision")
    flag_badge = f' <span class="badge warn">{escape(gettext("désaccord à discuter"))}</span>'
    budget_badge = f'<br><span class="badge warn">{escape(gettext("au-delà du budget"))}</span>'
    decide_text = escape(gettext("décider"))
    empty_cells = '<td class="num">—</td>' * len(criteria)
    for row in rows:
        dossier = row.dossier
        row.total_text = two_decimals(row.total, separator)
        row.z_text = two_decimals(row.z_score, separator)
        # Only digits, signs and the locale's separator go in the cells: nothing to escape.
        cells = (
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
            if row.criteria
            else empty_cells
        )
        lead = escape(dossier.lead_slsp)
        if dossier.n_applicants > 1:
            lead += f" (+{dossier.n_applicants - 1})"
        jurors = escape(ngettext("%(n)s juré", "%(n)s jurés", row.jurors) % {"n": row.jurors})
        decision = getattr(dossier, "decision", None)
        outcome = escape(decision.get_outcome_display()) if decision else ""
        if can_decide:
            outcome += f' <a href="{decision_url(dossier.uuid)}">{decide_text}</a>'
        row_class = ("is-flagged" if row.flagged else "") + (
            "" if row.within_budget else " over-budget"
        )
        row.html = mark_safe(  # noqa: S308 (every variable part escaped above)
            f'<tr class="{row_class}">\n'
            f'    <td class="num">{row.rank or "—"}</td>\n'
            f'    <td><a href="{dossier_url(dossier.uuid)}">{escape(dossier.title)}</a>'
            f'<br><span class="muted">{lead} · {jurors}</span>'
            f"{flag_badge if row.flagged else ''}</td>\n"
            f'    <td class="num">{row.total_text or "—"}</td>\n'
            f'    <td class="num">{row.z_text or "—"}</td>\n'
            f"    {cells}\n"
            f'    <td class="num">{amount(dossier.requested_amount)}</td>\n'
            f'    <td class="num">{amount(row.cumulative)}'
            f"{'' if row.within_budget else budget_badge}</td>\n"
            f"    <td>{outcome}</td>\n"
            "  </tr>"
        )

"""Display-only formatting of the consolidated ranking (the stored totals stay Decimal).

The ranking table has one row per dossier and one cell per criterion (60 x 10 on a
regional call); running Django's template engine, floatformat and {% url %} for each
row and cell took more than half of the page. Each row's markup is built here once,
with the same text as the template filters it replaces (tested against them in
tests/calls/test_display.py): `floatformat:2` and `floatformat:"2g"` rounding
(ROUND_HALF_UP, no "-0.00"), the active locale's separators, the same translations.
"""

from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.urls import reverse
from django.utils import formats, numberformat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

CENT = Decimal("0.01")


def _escape(value) -> str:
    """django.utils.html.escape's text without its lazy-string wrapper (hundreds of calls)."""
    return html.escape(str(value))


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
    # Jurors' means and spreads repeat a lot (a few jurors' small integer scores): each
    # distinct value is rounded once.
    texts: dict = {}

    def text(value) -> str:  # floatformat:2
        key = (type(value), value)  # 2.675 == Decimal(2.675) yet they round apart
        try:
            return texts[key]
        except KeyError:
            texts[key] = result = two_decimals(value, separator)
            return result

    def amount(value) -> str:  # floatformat:"2g"
        if value is None:
            return ""
        fixed = _fixed(value)
        if type(grouping) is not int or grouping <= 0:  # Indian-style or no grouping
            return numberformat.format(
                fixed, separator, 2, grouping, thousands, force_grouping=True
            )
        # numberformat.format's result for a plain interval, without its digit-by-digit loop.
        sign, fixed = ("-", fixed[1:]) if fixed[0] == "-" else ("", fixed)
        whole, cents = fixed.split(".")
        head = len(whole) % grouping or grouping
        groups = [whole[:head]]
        groups += (whole[i : i + grouping] for i in range(head, len(whole), grouping))
        return f"{sign}{thousands.join(groups)}{separator}{cents}"

    def cell(s) -> str:
        # Only digits, signs and the locale's separator go in: nothing to escape.
        if s.mean is None:
            figures = "—"
        else:
            figures = f'{text(s.mean)}<br><span class="muted">± {text(s.spread)}</span>'
        return f'<td class="num{" disagreement" if s.disagreement else ""}">{figures}</td>'

    jurors_texts: dict = {}

    def jurors_text(n: int) -> str:
        if n not in jurors_texts:
            jurors_texts[n] = _escape(ngettext("%(n)s juré", "%(n)s jurés", n) % {"n": n})
        return jurors_texts[n]

    dossier_url = _url_maker("calls:dossier_detail")
    decision_url = _url_maker("calls:decision")
    flag_badge = f' <span class="badge warn">{_escape(gettext("désaccord à discuter"))}</span>'
    budget_badge = f'<br><span class="badge warn">{_escape(gettext("au-delà du budget"))}</span>'
    decide_text = _escape(gettext("décider"))
    empty_cells = '<td class="num">—</td>' * len(criteria)
    for row in rows:
        dossier = row.dossier
        row.total_text = text(row.total)
        row.z_text = text(row.z_score)
        cells = "".join(map(cell, row.criteria)) if row.criteria else empty_cells
        lead = _escape(dossier.lead_slsp)
        if dossier.n_applicants > 1:
            lead += f" (+{dossier.n_applicants - 1})"
        decision = getattr(dossier, "decision", None)
        outcome = _escape(decision.get_outcome_display()) if decision else ""
        if can_decide:
            outcome += f' <a href="{decision_url(dossier.uuid)}">{decide_text}</a>'
        row_class = ("is-flagged" if row.flagged else "") + (
            "" if row.within_budget else " over-budget"
        )
        row.html = mark_safe(  # noqa: S308 (every variable part escaped above)
            f'<tr class="{row_class}">\n'
            f'    <td class="num">{row.rank or "—"}</td>\n'
            f'    <td><a href="{dossier_url(dossier.uuid)}">{_escape(dossier.title)}</a>'
            f'<br><span class="muted">{lead} · {jurors_text(row.jurors)}</span>'
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

"""Display-only text of the calls' long tables: the consolidated ranking (the stored
totals stay Decimal) and the juror's list.

The ranking table has one row per dossier and one cell per criterion (60 x 10 on a
regional call); running Django's template engine, floatformat and {% url %} for each
row and cell took more than half of the page. The rows' markup is a Jinja2 template
(templates/jinja2/calls/ranking_rows.html); their figures are written here once, as
plain text, with the same text as the template filters they replace (tested against
them in tests/calls/test_display.py): `floatformat:2` and `floatformat:"2g"` rounding
(ROUND_HALF_UP, no "-0.00"), the active locale's separators, the same translations.
Equal means and spreads (frequent: a few jurors' small integer scores) are rounded once.
Links are reversed once per page, then each row's uuid put in its place.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat
from django.utils.translation import ngettext

from apps.calls.models import Assignment
from apps.core.jinja2env import uuid_url_maker

CENT = Decimal("0.01")


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


def ranking_rows(rows: list, criteria: list) -> None:
    """Give each ranking row its shown figures as plain text (escaped by the template):
    `total_text`, `z_text`, `cells` (one (mean, spread, disagreement) per criterion, None
    for no mean), `lead_text`, `jurors_text`, `requested_text`, `cumulative_text` and
    `outcome_text`; and its links, `dossier_url` and `decision_url`."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    grouping = formats.get_format("NUMBER_GROUPING")
    thousands = formats.get_format("THOUSAND_SEPARATOR")
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

    jurors_texts: dict = {}

    def jurors_text(n: int) -> str:
        if n not in jurors_texts:
            jurors_texts[n] = ngettext("%(n)s juré", "%(n)s jurés", n) % {"n": n}
        return jurors_texts[n]

    dossier_url = uuid_url_maker("calls:dossier_detail")
    decision_url = uuid_url_maker("calls:decision")
    # A row without any score shows a dash under every criterion.
    empty_cells = [(None, None, False)] * len(criteria)
    for row in rows:
        dossier = row.dossier
        row.dossier_url = dossier_url(dossier.uuid)
        row.decision_url = decision_url(dossier.uuid)
        row.total_text = text(row.total)
        row.z_text = text(row.z_score)
        row.cells = (
            [
                (None, None, s.disagreement)
                if s.mean is None
                else (text(s.mean), text(s.spread), s.disagreement)
                for s in row.criteria
            ]
            if row.criteria
            else empty_cells
        )
        lead = str(dossier.lead_slsp)
        if dossier.n_applicants > 1:
            lead += f" (+{dossier.n_applicants - 1})"
        row.lead_text = lead
        row.jurors_text = jurors_text(row.jurors)
        row.requested_text = amount(dossier.requested_amount)
        row.cumulative_text = amount(row.cumulative)
        decision = getattr(dossier, "decision", None)
        row.outcome_text = decision.get_outcome_display() if decision else ""


def jury_rows(assignments) -> list:
    """The juror's assignments, each with `link` (the page its title opens: the conflict
    declaration first, then the score sheet; None once a conflict is declared) and
    `co_applicants_text` ("" without co-applicants)."""
    conflict_url = uuid_url_maker("calls:conflict")
    score_url = uuid_url_maker("calls:score")
    co_texts: dict = {}
    rows = list(assignments)
    for a in rows:
        if a.conflict == Assignment.Conflict.CONFLICT:
            a.link = None
        elif a.conflict == Assignment.Conflict.UNDECLARED:
            a.link = conflict_url(a.uuid)
        else:
            a.link = score_url(a.uuid)
        n = a.co_applicants
        if n not in co_texts:
            co_texts[n] = ngettext("+%(n)s SLSP", "+%(n)s SLSP", n) % {"n": n} if n else ""
        a.co_applicants_text = co_texts[n]
    return rows

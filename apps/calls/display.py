"""Display-only text of the calls' long tables: the consolidated ranking (the stored
totals stay Decimal) and the juror's list.

The ranking table has one row per dossier and one cell per criterion (60 x 10 on a
regional call); running Django's template engine and {% url %} for each row and cell
took more than half of the page. The rows' markup is a Jinja2 template
(templates/jinja2/calls/ranking_rows.html); their figures are written here once, as
plain text, by the shared fr-BE helper (apps/core/formats.py: the text of the `number`
and `amount` template filters, tested against them in tests/calls/test_display.py).
Equal means and spreads (frequent: a few jurors' small integer scores) are formatted once.
Links are reversed once per page, then each row's uuid put in its place.
"""

from __future__ import annotations

from django.utils.translation import ngettext

from apps.calls.models import Assignment
from apps.core import formats
from apps.core.jinja2env import uuid_url_maker


def ranking_rows(rows: list, criteria: list) -> None:
    """Give each ranking row its shown figures as plain text (escaped by the template):
    `total_text`, `z_text`, `cells` (one (mean, spread, disagreement) per criterion, None
    for no mean), `lead_text`, `jurors_text`, `requested_text`, `cumulative_text` and
    `outcome_text`; and its links, `dossier_url` and `decision_url`."""
    texts: dict = {}

    def text(value) -> str:  # number:2
        key = (type(value), value)  # 2.675 == Decimal(2.675) yet they round apart
        try:
            return texts[key]
        except KeyError:
            texts[key] = result = formats.number(value, 2)
            return result

    def amount(value) -> str:  # number:2 (the column header says "(€)")
        return formats.number(value, 2)

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
        row.total_text = "" if row.total is None else text(row.total)
        row.z_text = "" if row.z_score is None else text(row.z_score)
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

"""The ranking rows (figures from apps/calls/display.py, markup from the Jinja2 template
calls/ranking_rows.html) equal the Django template row they replace, written with the
shared fr-BE filters (apps/core/formats.py)."""

import re
from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import translation

from apps.calls import display
from apps.calls.scoring import CriterionSpec, CriterionStats
from apps.core import formats

# The ranking.html row markup before its rows left the Django template engine, with the
# shared fr-BE filters in place of floatformat.
OLD_ROW = Template(
    """{% load i18n formats %}<tr class="{% if row.flagged %}is-flagged{% endif %}{% if not row.within_budget %} over-budget{% endif %}">
    <td class="num">{{ row.rank|default:"—" }}</td>
    <td><a href="{% url 'calls:dossier_detail' uuid=row.dossier.uuid %}">{{ row.dossier.title }}</a><br><span class="muted">{{ row.dossier.lead_slsp }}{% if row.dossier.n_applicants > 1 %} (+{{ row.dossier.n_applicants|add:"-1" }}){% endif %} · {% blocktranslate count n=row.jurors %}{{ n }} juré{% plural %}{{ n }} jurés{% endblocktranslate %}</span>{% if row.flagged %} <span class="badge warn">{% translate "désaccord à discuter" %}</span>{% endif %}</td>
    <td class="num">{{ row.total|number:2 }}</td>
    <td class="num">{{ row.z_score|number:2 }}</td>
    {% for s in row.criteria %}<td class="num{% if s.disagreement %} disagreement{% endif %}">{% if s.mean is not None %}{{ s.mean|number:2 }}<br><span class="muted">± {{ s.spread|number:2 }}</span>{% else %}—{% endif %}</td>{% empty %}{% for c in criteria %}<td class="num">—</td>{% endfor %}{% endfor %}
    <td class="num">{{ row.dossier.requested_amount|number:2 }}</td>
    <td class="num">{{ row.cumulative|number:2 }}{% if not row.within_budget %}<br><span class="badge warn">{% translate "au-delà du budget" %}</span>{% endif %}</td>
    <td>{% if row.dossier.decision %}{{ row.dossier.decision.get_outcome_display }}{% endif %}{% if can_decide %} <a href="{% url 'calls:decision' uuid=row.dossier.uuid %}">{% translate "décider" %}</a>{% endif %}</td>
  </tr>"""  # noqa: E501 (the template verbatim)
)

CRITERIA = [
    CriterionSpec(1, "A", Decimal(2), 0, 5, True),
    CriterionSpec(2, "B", Decimal(1), 1, 4, False),
]


def _normalised(markup: str) -> str:
    """Same markup modulo runs of whitespace and the entity spelling of each escaper
    (Django writes &#x27; and &quot;, markupsafe &#39; and &#34;)."""
    markup = markup.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    # ASCII whitespace only: the thousands separator of fr-be is a no-break space.
    return re.sub(r"[ \t\r\n]+", " ", markup).strip()


def _rendered(rows, criteria, can_decide) -> list[str]:
    """Each <tr> of the Jinja2 rows template, as the ranking page renders them."""
    display.ranking_rows(rows, criteria)
    markup = get_template("calls/ranking_rows.html", using="jinja2").render(
        {"rows": rows, "criteria": criteria, "can_decide": can_decide}
    )
    return [_normalised(tr) for tr in re.findall(r"<tr\b.*?</tr>", markup, re.S)]


def _expected(rows, criteria, can_decide) -> list[str]:
    return [
        _normalised(
            OLD_ROW.render(Context({"row": r, "criteria": criteria, "can_decide": can_decide}))
        )
        for r in rows
    ]


def _row(rank, total, z, stats, jurors, flagged, cumulative, within, **dossier):
    return SimpleNamespace(
        rank=rank,
        total=total,
        z_score=z,
        criteria=[CriterionStats(CRITERIA[i], 2, m, s, d) for i, (m, s, d) in enumerate(stats)],
        jurors=jurors,
        flagged=flagged,
        cumulative=cumulative,
        within_budget=within,
        dossier=SimpleNamespace(uuid=uuid4(), **dossier),
    )


ROWS = [
    _row(
        1, 66.66665, 0.125, [(2.675, 1.005, True), (None, None, False)], 1, True,
        Decimal("1234567.895"), True, title='Projet <b>&</b> « l\'été » "B"',
        lead_slsp="SLSP d'Arlon",
        n_applicants=3, requested_amount=Decimal("1234567.895"),
        decision=SimpleNamespace(get_outcome_display=lambda: "Liste d'attente"),
    ),
    _row(
        1, 66.664999, -0.004, [(0.005, 0.0, False), (3.0, 0.49999, False)], 2, False,
        Decimal("2234567.00"), False, title="Deuxième", lead_slsp="Échelle 1",
        n_applicants=1, requested_amount=Decimal("1000000"),
    ),
    _row(
        None, None, None, [], 0, False, Decimal("2234567"), False, title="Sans note",
        lead_slsp="Échelle 2", n_applicants=2, requested_amount=Decimal("0"),
    ),
]  # fmt: skip


@pytest.mark.parametrize("can_decide", [True, False])
@pytest.mark.parametrize("language", ["fr-be", "de"])
def test_rows_equal_the_template_they_replace(can_decide, language):
    with translation.override(language):
        expected = _expected(ROWS, CRITERIA, can_decide)
        rendered = _rendered(ROWS, CRITERIA, can_decide)
    assert rendered == expected
    assert "&lt;b&gt;" in rendered[0] and "d&#x27;attente" in rendered[0]
    assert "&quot;B&quot;" in rendered[0]
    grouped = "1.234.567,90" if language == "de" else "1\xa0234\xa0567,90"
    assert grouped in rendered[0]
    assert ("/decision/" in rendered[1]) is can_decide


def test_no_rows():
    markup = get_template("calls/ranking_rows.html", using="jinja2").render(
        {"rows": [], "criteria": CRITERIA, "can_decide": True}
    )
    assert _normalised(markup) == '<tr><td colspan="9">Aucun dossier déposé.</td></tr>'


@pytest.mark.parametrize(
    "value",
    [0, 0.005, 0.015, 2.675, 1.005, -0.001, -0.005, 99.995, 1e-7, 66.66665, Decimal("2.345")],
)
def test_figures_are_the_shared_helper_text(value):
    row = _row(1, value, value, [(value, value, False), (None, None, False)], 1, False,
               Decimal(1), True, title="T", lead_slsp="S", n_applicants=1,
               requested_amount=Decimal(1))  # fmt: skip
    with translation.override("fr-be"):
        display.ranking_rows([row], CRITERIA)
        expected = formats.number(value, 2)
    assert row.total_text == row.z_text == row.cells[0][0] == expected


@pytest.mark.parametrize("language", ["fr-be", "de"])
def test_amounts_are_grouped_as_the_shared_helper(language):
    amounts = ["0", "0.004", "1", "12.5", "123", "1234", "12345.678", "123456", "999999.995"]
    rows = [
        _row(1, 50.0, 0.0, [], 1, False, Decimal(a), True, title="T", lead_slsp="S",
             n_applicants=1, requested_amount=-Decimal(a))
        for a in amounts + ["1234567890.125"]
    ]  # fmt: skip
    with translation.override(language):
        expected = _expected(rows, CRITERIA, False)
        rendered = _rendered(rows, CRITERIA, False)
    assert rendered == expected

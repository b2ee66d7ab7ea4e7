"""The ranking rows built in Python (apps/calls/display.py) equal the template they replace."""

from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.calls import display
from apps.calls.scoring import CriterionSpec, CriterionStats

# The ranking.html row markup before its rows were built in Python, kept verbatim.
OLD_ROW = Template(
    """{% load i18n %}<tr class="{% if row.flagged %}is-flagged{% endif %}{% if not row.within_budget %} over-budget{% endif %}">
    <td class="num">{{ row.rank|default:"—" }}</td>
    <td><a href="{% url 'calls:dossier_detail' uuid=row.dossier.uuid %}">{{ row.dossier.title }}</a><br><span class="muted">{{ row.dossier.lead_slsp }}{% if row.dossier.n_applicants > 1 %} (+{{ row.dossier.n_applicants|add:"-1" }}){% endif %} · {% blocktranslate count n=row.jurors %}{{ n }} juré{% plural %}{{ n }} jurés{% endblocktranslate %}</span>{% if row.flagged %} <span class="badge warn">{% translate "désaccord à discuter" %}</span>{% endif %}</td>
    <td class="num">{{ row.total|floatformat:2|default:"—" }}</td>
    <td class="num">{{ row.z_score|floatformat:2|default:"—" }}</td>
    {% for s in row.criteria %}<td class="num{% if s.disagreement %} disagreement{% endif %}">{% if s.mean is not None %}{{ s.mean|floatformat:2 }}<br><span class="muted">± {{ s.spread|floatformat:2 }}</span>{% else %}—{% endif %}</td>{% empty %}{% for c in criteria %}<td class="num">—</td>{% endfor %}{% endfor %}
    <td class="num">{{ row.dossier.requested_amount|floatformat:"2g" }}</td>
    <td class="num">{{ row.cumulative|floatformat:"2g" }}{% if not row.within_budget %}<br><span class="badge warn">{% translate "au-delà du budget" %}</span>{% endif %}</td>
    <td>{% if row.dossier.decision %}{{ row.dossier.decision.get_outcome_display }}{% endif %}{% if can_decide %} <a href="{% url 'calls:decision' uuid=row.dossier.uuid %}">{% translate "décider" %}</a>{% endif %}</td>
  </tr>"""  # noqa: E501 (the template verbatim)
)

CRITERIA = [
    CriterionSpec(1, "A", Decimal(2), 0, 5, True),
    CriterionSpec(2, "B", Decimal(1), 1, 4, False),
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
        Decimal("1234567.895"), True, title="Projet <b>&</b> « l'été »", lead_slsp="SLSP d'Arlon",
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
        expected = [
            OLD_ROW.render(Context({"row": r, "criteria": CRITERIA, "can_decide": can_decide}))
            for r in ROWS
        ]
        display.ranking_rows(ROWS, CRITERIA, can_decide)
    assert [r.html for r in ROWS] == expected
    assert "&lt;b&gt;" in ROWS[0].html and "d&#x27;attente" in ROWS[0].html
    assert "1.234.567,90" in ROWS[0].html if language == "de" else "234" in ROWS[0].html


@pytest.mark.parametrize(
    "value",
    [0, 0.005, 0.015, 2.675, 1.005, -0.001, -0.005, 99.995, 1e-7, 66.66665, Decimal("2.345")],
)
def test_two_decimals_is_floatformat_2(value):
    with translation.override("fr-be"):
        expected = Template("{{ v|floatformat:2 }}").render(Context({"v": value}))
    assert display.two_decimals(value, ",") == expected


@pytest.mark.parametrize("language", ["fr-be", "de"])
def test_amounts_are_grouped_as_floatformat_2g(language):
    amounts = ["0", "0.004", "1", "12.5", "123", "1234", "12345.678", "123456", "999999.995"]
    rows = [
        _row(1, 50.0, 0.0, [], 1, False, Decimal(a), True, title="T", lead_slsp="S",
             n_applicants=1, requested_amount=-Decimal(a))
        for a in amounts + ["1234567890.125"]
    ]  # fmt: skip
    with translation.override(language):
        expected = [
            OLD_ROW.render(Context({"row": r, "criteria": CRITERIA, "can_decide": False}))
            for r in rows
        ]
        display.ranking_rows(rows, CRITERIA, False)
    assert [r.html for r in rows] == expected

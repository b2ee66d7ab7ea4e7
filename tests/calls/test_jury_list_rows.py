"""The juror's list rows (Jinja2, calls/jury_rows.html, links and texts from
display.jury_rows) equal the Django template rows they replace, on the former query."""

import datetime
import re

import pytest
from django.db.models import Count
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import Role
from apps.calls import queries
from apps.calls.models import Assignment, CallStatus, DossierStatus
from tests.accounts.factories import make_user
from tests.calls import factories as f
from tests.slsps.factories import SlspFactory

# jury_list.html's rows before they moved to Jinja2, verbatim.
OLD_ROWS = Template(
    """{% load i18n formats %}{% for a in assignments %}
  <tr>
    <td>{% if a.conflict == 'conflict' %}{{ a.dossier.title }}{% elif a.conflict == 'undeclared' %}<a href="{% url 'calls:conflict' uuid=a.uuid %}">{{ a.dossier.title }}</a>{% else %}<a href="{% url 'calls:score' uuid=a.uuid %}">{{ a.dossier.title }}</a>{% endif %}{% if a.co_applicants %} <span class="badge">{% blocktranslate count n=a.co_applicants %}+{{ n }} SLSP{% plural %}+{{ n }} SLSP{% endblocktranslate %}</span>{% endif %}</td>
    <td>{{ a.dossier.call.title }}</td>
    <td>{{ a.dossier.call.scoring_deadline|moment }}</td>
    <td>{{ a.dossier.lead_slsp }}</td>
    <td>{% if a.conflict == 'undeclared' %}<span class="badge warn">{% translate "à déclarer" %}</span>{% elif a.conflict == 'conflict' %}<span class="badge">{% translate "conflit déclaré" %}</span>{% else %}{% translate "aucun" %}{% endif %}</td>
    <td>{% if a.status == 'submitted' %}<span class="badge ok">{% translate "remise" %}</span>{% elif a.conflict == 'conflict' %}—{% elif a.dossier.call.status == 'review' %}{% translate "à faire" %}{% else %}<span class="badge">{% translate "non remise" %}</span>{% endif %}</td>
  </tr>
  {% empty %}<tr><td colspan="6">{% translate "Aucun dossier ne vous est confié." %}</td></tr>
  {% endfor %}"""  # noqa: E501 (the template verbatim)
)


def _old_list(user):
    """queries.juror_list before it loaded only the shown fields (in its order)."""
    order = list(queries.juror_list(user).values_list("pk", flat=True))
    rows = (
        queries.assignments_for(user)
        .select_related("dossier__call", "dossier__lead_slsp")
        .annotate(co_applicants=Count("dossier__applicants") - 1)
    )
    return sorted(rows, key=lambda a: order.index(a.pk))


def _rows(markup: str) -> list[str]:
    """Each <tr> of a table body, modulo whitespace runs and each escaper's entities."""
    body = markup.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    body = body.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return [re.sub(r"[ \t\r\n]+", " ", tr) for tr in re.findall(r"<tr>.*?</tr>", body, re.S)]


@pytest.mark.parametrize("language", ["fr-be", "de"])
def test_rows_equal_the_template_they_replace(world, language):
    juror = make_user(Role.JURY)
    # The page speaks the juror's own language, whatever the browser asks for.
    juror.language = language
    juror.save(update_fields=["language"])
    review = f.make_call(
        CallStatus.REVIEW,
        title='Appel « l\'été » <b>"A"</b>',
        scoring_deadline=timezone.now() + datetime.timedelta(days=5, seconds=17),
    )
    deliberation = f.make_call(CallStatus.DELIBERATION, title="Appel délibéré")
    cases = [
        (review, 0, Assignment.Conflict.UNDECLARED, False),
        (review, 1, Assignment.Conflict.NONE, False),
        (review, 2, Assignment.Conflict.NONE, True),
        (review, 1, Assignment.Conflict.CONFLICT, False),
        (deliberation, 0, Assignment.Conflict.NONE, False),
        (deliberation, 3, Assignment.Conflict.NONE, True),
        (deliberation, 0, Assignment.Conflict.CONFLICT, False),
    ]
    for i, (call, co, conflict, submitted) in enumerate(cases):
        lead = SlspFactory(official_name=f"SLSP d'Ici {i}", short_name="" if i % 2 else f"S<{i}>")
        dossier = f.make_dossier(
            call,
            lead,
            co=[SlspFactory() for _ in range(co)],
            status=DossierStatus.SUBMITTED,
            title=f"Projet {i} <i>&</i> l'« été »",
        )
        f.make_assignment(dossier, juror, conflict=conflict, submitted=submitted)
    c = Client()
    c.force_login(juror)
    with translation.override(language):
        expected = _rows(OLD_ROWS.render(Context({"assignments": _old_list(juror)})))
        rendered = _rows(
            c.get(
                reverse("calls:jury_list"), headers={"accept-language": language}
            ).content.decode()
        )
    assert len(rendered) == len(cases)
    assert rendered == expected
    joined = "".join(rendered)
    assert "&lt;i&gt;" in joined and "+3 SLSP" in joined
    assert ("à déclarer" in joined) is (language == "fr-be")


def test_empty_list(world):
    juror = make_user(Role.JURY)
    c = Client()
    c.force_login(juror)
    rendered = _rows(c.get(reverse("calls:jury_list")).content.decode())
    assert rendered == ['<tr><td colspan="6">Aucun dossier ne vous est confié.</td></tr>']

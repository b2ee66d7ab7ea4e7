"""The follow-up list's rows are built in the view (_follow_up_list_rows): each row must
read exactly as the former per-row template wrote it from the follow-up itself."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import queries, services
from apps.accompaniment.models import Domain, Outcome
from tests.tenants.factories import HousingUnitFactory, make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()

# The row as follow_up_list.html wrote it before the view computed the display values.
FORMER_ROW = Template(
    "{% load i18n %}<tr>"
    "<td><a href=\"{% url 'tenants:household' uuid=follow_up.household.uuid %}\">"
    "{{ follow_up.household }}</a>"
    ' <span class="muted">{{ follow_up.household.reference }}</span></td>'
    "<td>{{ follow_up.objective }}</td>"
    '<td>{{ follow_up.domain_labels|join:", " }}</td>'
    '<td>{{ follow_up.address|default:"—" }}'
    "{% if follow_up.district %} ({{ follow_up.district }}){% endif %}</td>"
    '<td>{{ follow_up.opened_on|date:"d/m/Y" }}</td>'
    '<td>{{ follow_up.last_moment|date:"d/m/Y"|default:"—" }}'
    ' <span class="muted">({{ follow_up.moment_count }})</span></td>'
    '<td>{% if follow_up.closed_on %}<span class="badge">{% translate "clôturé" %}'
    ' {{ follow_up.closed_on|date:"d/m/Y" }}</span>'
    '{% else %}<span class="badge ok">{% translate "ouvert" %}</span>{% endif %}</td>'
    "</tr>"
)


def _squeeze(html: str) -> str:
    # Rows are Jinja2 now: it writes an apostrophe &#39; where Django writes &#x27;.
    html = html.replace("&#39;", "&#x27;")
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_rows_read_like_the_former_template(client_for, world):
    user = world.users["referent_a"]
    with scopes_disabled():
        plain = make_household(world.slsp_a)
        no_district = make_household(
            world.slsp_a, unit=HousingUnitFactory(slsp=world.slsp_a, district="")
        )
        odd = make_household(
            world.slsp_a,
            unit=HousingUnitFactory(slsp=world.slsp_a, address="Rue <d'Ici> & Co", district="X"),
        )
    with scope(slsp=[world.slsp_a.pk]):
        for i, household in enumerate((plain, no_district, odd)):
            services.record_consent(household, user, given_on=TODAY, covers_follow_up=True)
            follow_up = services.open_follow_up(
                household,
                user,
                domains=[Domain.IMPAYES, Domain.RELOGEMENT][: i + 1],
                objective=f"Objectif « {i} » <b>",
            )
            if i == 1:
                services.log_moment(
                    household,
                    user,
                    kind="telephone",
                    date=TODAY,
                    duration_minutes=5,
                    follow_up=follow_up,
                )
                services.close_follow_up(follow_up, outcome=Outcome.STABILISED)
        expected = [
            _squeeze(FORMER_ROW.render(Context({"follow_up": f})))
            for f in queries.follow_up_rows(user).order_by("-opened_on", "-pk")
        ]
    html = client_for("referent_a").get(reverse("accompaniment:follow_ups")).content.decode()
    rows = [_squeeze(r) for r in re.findall(r"<tr>\s*<td><a.*?</tr>", html, flags=re.S)]
    assert rows == expected and len(rows) == 3

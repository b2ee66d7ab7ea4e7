"""The household page's timeline is built from plain rows (sections.moment_rows) and one
template loop: every detail the per-moment template showed is still there, the fetch()
answer of moment_create is the same row, and queries do not grow with the data."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Domain, MomentKind, Outcome, Sensitivity
from tests.partners.factories import PartnerFactory
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = TODAY - datetime.timedelta(days=3)


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a)


def _page(client, household) -> str:
    url = reverse("tenants:household", kwargs={"uuid": household.uuid})
    return client.get(url).content.decode()


def _actions(moment_uuid) -> str:
    correct = reverse("accompaniment:moment_correct", kwargs={"uuid": moment_uuid})
    delete = reverse("accompaniment:moment_delete", kwargs={"uuid": moment_uuid})
    return (
        f' <span class="moment-actions"><a href="{correct}">corriger</a> · '
        f'<a href="{delete}" class="danger-link">supprimer</a></span>'
    )


def _attach(moment_uuid) -> str:
    url = reverse(
        "accompaniment:attachment_upload", kwargs={"owner_type": "moment", "uuid": moment_uuid}
    )
    return f' · <a class="attach-link" href="{url}">joindre un document</a>'


def _moment_items(html: str) -> list[str]:
    return re.findall(r'<li class="moment">.*?</li>', html, flags=re.S)


@pytest.fixture
def detailed(world, household):
    """A moment with every optional detail, in an open follow-up."""
    user = world.users["referent_a"]
    user.first_name, user.last_name = "Anne", "D'Almeida"
    user.save()
    with scope(slsp=[world.slsp_a.pk]):
        services.record_consent(household, user, given_on=DAY, covers_follow_up=True)
        follow_up = services.open_follow_up(
            household, user, domains=[Domain.VOISINAGE], objective="Apaiser <vite>"
        )
        moment = services.log_moment(
            household,
            user,
            kind=MomentKind.HOME_VISIT,
            date=DAY,
            duration_minutes=45,
            follow_up=follow_up,
            partners=[PartnerFactory(name="Zèbre"), PartnerFactory(name="Alpha & Co")],
            note="Bruit le soir",
            participants="la mère",
            sensitivity=Sensitivity.HEALTH,
            sensitive_note="détail",
        )
    return moment


def test_moment_row_shows_every_detail(client_for, world, household, detailed):
    link = reverse("accompaniment:moment_sensitive", kwargs={"uuid": detailed.uuid})
    expected = (
        f'<li class="moment"><strong>{DAY:%d/%m/%Y}</strong> — Visite à domicile '
        "(45 min, Anne D&#39;Almeida, la mère) — Apaiser &lt;vite&gt; : Bruit le soir"
        " — avec Alpha &amp; Co, Zèbre"
        ' <span class="badge warn">note sensible : Santé</span>'
        f' <a href="{link}">consulter (motif requis)</a>{_actions(detailed.uuid)}'
        f"{_attach(detailed.uuid)}</li>"
    )
    assert _moment_items(_page(client_for("referent_a"), household)) == [expected]
    # A reader who may not act sees that a sensitive note exists, without the link.
    (row,) = _moment_items(_page(client_for("direction_a"), household))
    assert "note sensible : Santé</span>" in row and link not in row
    assert "joindre un document" not in row  # the direction reads, it does not add
    # The direction may correct it (with a reason); an accompagnateur who is not the
    # author may not.
    assert _actions(detailed.uuid) in row
    (row,) = _moment_items(_page(client_for("accompagnateur_a"), household))
    assert "corriger" not in row


def test_plain_moment_row_and_follow_up_events(client_for, world, household):
    user = world.users["referent_a"]
    with scope(slsp=[world.slsp_a.pk]):
        services.record_consent(household, user, given_on=DAY, covers_follow_up=True)
        follow_up = services.open_follow_up(
            household, user, domains=[Domain.VOISINAGE], objective="Apaiser"
        )
        moment = services.log_moment(
            household, user, kind=MomentKind.PHONE, date=DAY, duration_minutes=5
        )
        services.close_follow_up(follow_up, outcome=Outcome.STABILISED)
    html = _page(client_for("referent_a"), household)
    name = user.get_full_name()
    assert _moment_items(html) == [
        f'<li class="moment"><strong>{DAY:%d/%m/%Y}</strong> — Appel téléphonique '
        f"(5 min, {name}){_actions(moment.uuid)}{_attach(moment.uuid)}</li>"
    ]
    assert f"<strong>{TODAY:%d/%m/%Y}</strong> — Ouverture du suivi « Apaiser »" in html
    assert f"<strong>{TODAY:%d/%m/%Y}</strong> — Clôture du suivi (Situation stabilisée)" in html
    # Newest first: the follow-up events of today come before the moment of three days ago.
    assert html.index("Clôture du suivi") < html.index('<li class="moment">')


def test_moment_create_answers_the_timeline_row(client_for, world, household, detailed):
    client = client_for("referent_a")
    response = client.post(
        reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid}),
        {
            "moment-kind": MomentKind.PHONE,
            "moment-date": TODAY.isoformat(),
            "moment-duration_minutes": "10",
            "moment-note": "Rappel",
            "moment-sensitivity": Sensitivity.VIOLENCE,
            "moment-sensitive_note": "détail",
        },
        headers={"Accept": "application/json"},
    )
    data = json.loads(response.content)
    assert data["ok"] is True
    rows = _moment_items(_page(client, household))
    assert len(rows) == 2
    assert data["html"].strip() == rows[0]
    assert "Rappel" in rows[0] and "consulter (motif requis)" in rows[0]


def test_household_page_queries_do_not_grow_with_open_follow_ups(client_for, world, household):
    user = world.users["referent_a"]
    client = client_for("referent_a")
    with scope(slsp=[world.slsp_a.pk]):
        services.record_consent(household, user, given_on=DAY, covers_follow_up=True)

    def count():
        with scope(slsp=[world.slsp_a.pk]):
            services.open_follow_up(household, user, domains=[Domain.VOISINAGE], objective="O")
        with CaptureQueriesContext(connection) as ctx:
            html = _page(client, household)
        return len(ctx), html

    one, _html = count()
    count()
    three, html = count()
    assert one == three
    # The moment form still offers each open follow-up, named like the model does.
    assert html.count(f"{household} — O</option>") == 3


def test_objectives_keep_their_order_status_and_form(client_for, world, household):
    user = world.users["referent_a"]
    with scope(slsp=[world.slsp_a.pk]):
        services.record_consent(household, user, given_on=DAY, covers_follow_up=True)
        follow_up = services.open_follow_up(
            household,
            user,
            domains=[Domain.VOISINAGE],
            objective="Premier",
            more_objectives=["Deuxième <b>", "Troisième"],
        )
        objectives = list(follow_up.objectives.order_by("pk"))
    html = _page(client_for("referent_a"), household)
    items = re.findall(r'<ul class="objectives">(.*?)</ul>', html, flags=re.S)[0]
    texts = re.findall(r"<li>(.*?) <span class=\"badge\">(.*?)</span>", items)
    assert texts == [
        (o.text.replace("<", "&lt;").replace(">", "&gt;"), str(o.get_status_display()))
        for o in objectives
    ]
    for objective in objectives:
        url = reverse("accompaniment:objective_status", kwargs={"uuid": objective.uuid})
        assert f'<form method="post" action="{url}" class="inline-form">' in items
    # A reader sees the objectives without the forms.
    reader = _page(client_for("direction_a"), household)
    assert (
        "Deuxième &lt;b&gt;" in reader
        and "objectif" not in reader.split('class="objectives"')[1].split("</ul>")[0]
    )

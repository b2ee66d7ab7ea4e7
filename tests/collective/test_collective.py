"""Collective actions: services and constraints, bad input on every form, scoping,
query counts, regional metric and demo data."""

import datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.collective import services
from apps.collective.models import ActionSession, CollectiveAction, CollectiveKind
from apps.collective.queries import (
    collective_action_rows,
    collective_actions_by_slsp,
    collective_actions_for,
)
from tests.partners.factories import PartnerFactory, SlspPartnerFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
LAST_YEAR = TODAY - datetime.timedelta(days=365)


def in_scope(world):
    return scope(slsp=[world.slsp_a.pk, world.slsp_b.pk])


@pytest.fixture
def network(world):
    """Two partners in SLSP A's network, one only in SLSP B's."""
    with scopes_disabled():
        pcs = PartnerFactory(name="Plan de cohésion sociale de Namur", type="pcs")
        edd = PartnerFactory(name="École de devoirs de Namur", type="ecole_devoirs")
        foreign = PartnerFactory(name="CPAS de Liège", type="cpas", commune="Liège")
        SlspPartnerFactory(slsp=world.slsp_a, partner=pcs)
        SlspPartnerFactory(slsp=world.slsp_a, partner=edd)
        SlspPartnerFactory(slsp=world.slsp_b, partner=foreign)
    return {"pcs": pcs, "edd": edd, "foreign": foreign}


def make_action(world, slsp=None, **overrides):
    data = {
        "kind": CollectiveKind.FETE_VOISINS,
        "title": "Fête des voisins — Cité des Prés",
        "objective": "Faire se rencontrer anciens et nouveaux locataires",
        "start_date": LAST_YEAR,
        "end_date": None,
        "district": "Cité des Prés",
    }
    data.update(overrides)
    with scopes_disabled():
        return services.create_action(slsp or world.slsp_a, world.users["referent_a"], **data)


def count_rows():
    with scopes_disabled():
        return CollectiveAction.objects.count(), ActionSession.objects.count()


# --- Services and constraints ---


def test_create_action_with_network_partners_and_log_sessions(world, network):
    action = make_action(world, partners=[network["pcs"], network["edd"]])
    with in_scope(world):
        services.log_session(
            action, world.users["referent_a"], date=TODAY, participants=40, tenants=31, volunteers=5
        )
        services.log_session(
            action, world.users["referent_a"], date=LAST_YEAR, participants=12, tenants=12
        )
        row = collective_actions_for(world.users["referent_a"]).get(pk=action.pk)
        assert {p.pk for p in row.partners.all()} == {network["pcs"].pk, network["edd"].pk}
        assert action.sessions.count() == 2
        assert sorted(action.sessions.values_list("volunteers", flat=True)) == [0, 5]


def test_partner_outside_the_network_is_refused(world, network):
    with pytest.raises(ValidationError, match="réseau de cette SLSP"):
        make_action(world, partners=[network["pcs"], network["foreign"]])
    assert count_rows() == (0, 0)


def test_end_before_start_is_refused_by_service_and_database(world):
    with pytest.raises(ValidationError, match="fin précède"):
        make_action(world, end_date=LAST_YEAR - datetime.timedelta(days=1))
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        CollectiveAction.objects.create(
            slsp=world.slsp_a,
            kind="autre",
            title="x",
            objective="x",
            start_date=TODAY,
            end_date=TODAY - datetime.timedelta(days=1),
        )
    assert count_rows() == (0, 0)


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_date": datetime.date(1999, 12, 31)},
        {"end_date": TODAY + datetime.timedelta(days=3000)},
    ],
)
def test_dates_far_from_today_are_refused(world, overrides):
    with pytest.raises(ValidationError, match="doivent se situer entre"):
        make_action(world, **overrides)
    assert count_rows() == (0, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"participants": 10, "tenants": 11}, "dépasser le nombre de participants"),
        ({"participants": -1, "tenants": 0}, "négatifs"),
        ({"date": TODAY + datetime.timedelta(days=1)}, "futur"),
        ({"date": LAST_YEAR - datetime.timedelta(days=1)}, "période de l'action"),
    ],
)
def test_bad_sessions_are_refused_by_the_service(world, kwargs, message):
    action = make_action(world, end_date=TODAY)
    data = {"date": TODAY, "participants": 10, "tenants": 5, **kwargs}
    with in_scope(world), pytest.raises(ValidationError, match=message):
        services.log_session(action, world.users["referent_a"], **data)
    assert count_rows() == (1, 0)


@pytest.mark.parametrize(
    ("participants", "tenants", "volunteers"), [(10, 11, 0), (-1, 0, 0), (5, 2, -3)]
)
def test_database_constraints_on_sessions(world, participants, tenants, volunteers):
    action = make_action(world)
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        ActionSession.objects.create(
            action=action,
            slsp=world.slsp_a,
            date=TODAY,
            participants=participants,
            tenants=tenants,
            volunteers=volunteers,
        )
    assert count_rows() == (1, 0)


def test_period_change_must_keep_the_sessions(world):
    action = make_action(world)
    user = world.users["referent_a"]
    with in_scope(world):
        services.log_session(
            action, user, date=LAST_YEAR + datetime.timedelta(days=10), participants=8, tenants=8
        )
        with pytest.raises(ValidationError, match="doivent les contenir|doit les contenir"):
            services.update_action(action, start_date=LAST_YEAR + datetime.timedelta(days=20))
        action.refresh_from_db()
        assert action.start_date == LAST_YEAR
        services.update_action(action, title="Nouvel intitulé", end_date=TODAY)
        action.refresh_from_db()
        assert action.title == "Nouvel intitulé" and action.end_date == TODAY


def test_record_outcome(world):
    action = make_action(world)
    with in_scope(world):
        with pytest.raises(ValidationError, match="résultat qualitatif"):
            services.record_outcome(action, outcome="   ")
        services.record_outcome(action, outcome="Des liens se sont créés entre voisins.")
        action.refresh_from_db()
        assert action.outcome_recorded_on == TODAY


# --- Forms through the views: bad input, never a 500, nothing half-saved ---


def create_url():
    return reverse("collective:collective_create")


def good_action_post(**overrides):
    data = {
        "kind": CollectiveKind.ECOLE_DEVOIRS,
        "title": "École de devoirs du mercredi",
        "district": "Cité Jardin",
        "objective": "Soutenir la scolarité des enfants",
        "start_date": LAST_YEAR.isoformat(),
        "end_date": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"end_date": (LAST_YEAR - datetime.timedelta(days=1)).isoformat()},
            "La date de fin précède la date de début.",
        ),
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"start_date": "31/02/2025"}, "Saisissez une date valide."),
        ({"kind": "karaoke"}, "Sélectionnez un choix valide."),
        ({"title": "é" * 201}, "au plus 200 caractères"),
        ({"start_date": "0025-05-01"}, "Date impossible"),
    ],
)
def test_create_form_bad_input(world, network, client_for, overrides, message):
    response = client_for("referent_a").post(create_url(), good_action_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert count_rows() == (0, 0)


def test_create_form_refuses_a_partner_of_another_slsp(world, network, client_for):
    data = good_action_post(partners=[network["pcs"].pk, network["foreign"].pk])
    response = client_for("referent_a").post(create_url(), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert count_rows() == (0, 0)


def test_create_form_only_offers_the_network(world, network, client_for):
    page = client_for("referent_a").get(create_url()).content.decode()
    assert "École de devoirs de Namur" in page and "CPAS de Liège" not in page


def test_create_then_session_then_outcome_through_the_views(world, network, client_for):
    client = client_for("accompagnateur_a")
    response = client.post(create_url(), good_action_post(partners=[network["edd"].pk]))
    assert response.status_code == 302
    with scopes_disabled():
        action = CollectiveAction.objects.get()
        assert action.slsp == world.slsp_a and action.created_by == world.users["accompagnateur_a"]
    detail = reverse("collective:collective_detail", kwargs={"uuid": action.uuid})
    assert response["Location"] == detail
    session_url = reverse("collective:session_add", kwargs={"uuid": action.uuid})
    response = client.post(
        session_url,
        {"date": TODAY.isoformat(), "participants": "14", "tenants": "12", "volunteers": "2"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("collective:outcome_record", kwargs={"uuid": action.uuid}),
        {"outcome": "Trois parents accompagnent désormais les séances."},
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Trois parents" in page and "École de devoirs de Namur" in page
    assert ">14<" in page and ">12<" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"participants": "10", "tenants": "12"},
            "Le nombre de locataires ne peut pas dépasser le nombre de participants.",
        ),
        ({"participants": "-3", "tenants": "0"}, "supérieure ou égale à 0"),
        ({"participants": "99999999999999999999"}, "inférieure ou égale à 10000"),
        (
            {"date": (TODAY + datetime.timedelta(days=3)).isoformat()},
            "Cette date est dans le futur",
        ),
        (
            {"date": (LAST_YEAR - datetime.timedelta(days=3)).isoformat()},
            "La date de la séance sort de la période de l'action.",
        ),
        ({"date": "2025-13-45"}, "Saisissez une date valide."),
        ({"participants": ""}, "Ce champ est obligatoire."),
    ],
)
def test_session_form_bad_input(world, client_for, data, message):
    action = make_action(world)
    url = reverse("collective:session_add", kwargs={"uuid": action.uuid})
    post = {"date": TODAY.isoformat(), "participants": "10", "tenants": "5", "volunteers": "0"}
    post.update(data)
    response = client_for("referent_a").post(url, post)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert count_rows() == (1, 0)


def test_edit_form_bad_input_changes_nothing(world, network, client_for):
    action = make_action(world, partners=[network["pcs"]])
    with in_scope(world):
        services.log_session(
            action, world.users["referent_a"], date=TODAY, participants=9, tenants=9
        )
    url = reverse("collective:collective_edit", kwargs={"uuid": action.uuid})
    client = client_for("referent_a")
    # End before the session already logged.
    response = client.post(
        url, good_action_post(end_date=(TODAY - datetime.timedelta(days=2)).isoformat())
    )
    assert response.status_code == 200
    assert "la période de l'action doit les contenir" in unescape(response.content.decode())
    # End before start.
    response = client.post(
        url, good_action_post(end_date=(LAST_YEAR - datetime.timedelta(days=2)).isoformat())
    )
    assert "La date de fin précède la date de début." in response.content.decode()
    with scopes_disabled():
        action.refresh_from_db()
        assert action.title == "Fête des voisins — Cité des Prés"
        assert list(action.partners.all()) == [network["pcs"]]
    # A valid edit keeps a partner even though it left the network since.
    with scopes_disabled():
        from apps.partners.models import SlspPartner

        SlspPartner.objects.filter(partner=network["pcs"]).delete()
    response = client.post(url, good_action_post(partners=[network["pcs"].pk, network["edd"].pk]))
    assert response.status_code == 302
    with scopes_disabled():
        action.refresh_from_db()
        assert action.kind == CollectiveKind.ECOLE_DEVOIRS
        assert {p.pk for p in action.partners.all()} == {network["pcs"].pk, network["edd"].pk}


def test_outcome_form_bad_input(world, client_for):
    action = make_action(world)
    url = reverse("collective:outcome_record", kwargs={"uuid": action.uuid})
    client = client_for("referent_a")
    for data, message in [
        ({"outcome": "   "}, "Ce champ est obligatoire."),
        ({"outcome": "x" * 3001}, "au plus 3000 caractères"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    with scopes_disabled():
        action.refresh_from_db()
    assert action.outcome == "" and action.outcome_recorded_on is None


def test_direction_reads_but_does_not_act(world, client_for):
    action = make_action(world)
    client = client_for("direction_a")
    page = client.get(reverse("collective:collective_detail", kwargs={"uuid": action.uuid}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ajouter une séance" not in body and "Modifier" not in body
    response = client.post(
        reverse("collective:session_add", kwargs={"uuid": action.uuid}),
        {"date": TODAY.isoformat(), "participants": "5", "tenants": "5"},
    )
    assert response.status_code == 404
    assert count_rows() == (1, 0)


# --- Scoping and the list filters ---


def test_list_shows_only_the_users_slsp_and_filters(world, network, client_for):
    make_action(
        world, title="Plaine de juillet", kind=CollectiveKind.PLAINE, district="Cité Jardin"
    )
    make_action(
        world,
        title="Réunion CCLP de mars",
        kind=CollectiveKind.REUNION_CCLP,
        district="",
        start_date=TODAY - datetime.timedelta(days=600),
        end_date=TODAY - datetime.timedelta(days=500),
    )
    make_action(world, slsp=world.slsp_b, title="Action de l'autre SLSP")
    client = client_for("referent_a")
    url = reverse("collective:collective_actions")
    body = client.get(url).content.decode()
    assert "Plaine de juillet" in body and "Réunion CCLP de mars" in body
    assert "Action de l&#x27;autre SLSP" not in body
    body = client.get(url, {"kind": CollectiveKind.PLAINE}).content.decode()
    assert "Plaine de juillet" in body and "Réunion CCLP de mars" not in body
    body = client.get(url, {"district": "Cité Jardin"}).content.decode()
    assert "Plaine de juillet" in body and "Réunion CCLP de mars" not in body
    start = (TODAY - datetime.timedelta(days=650)).isoformat()
    stop = (TODAY - datetime.timedelta(days=450)).isoformat()
    body = client.get(url, {"period_after": start, "period_before": stop}).content.decode()
    assert "Réunion CCLP de mars" in body and "Plaine de juillet" not in body
    # Hostile filter values: never a 500, and a district of SLSP B is not a choice.
    for params in ({"district": "Cité de l'autre SLSP"}, {"period_after": "2025-13-45"}):
        assert client.get(url, params).status_code == 200


# --- Query counts ---


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_the_same_for_1_3_and_50_actions(world, network, client_for):
    client = client_for("referent_a")
    url = reverse("collective:collective_actions")
    counts, made = [], 0
    for n in (1, 3, 50):
        for i in range(n - made):
            action = make_action(world, title=f"Action {made + i}", partners=[network["pcs"]])
            with in_scope(world):
                for day in (1, 2):
                    services.log_session(
                        action,
                        world.users["referent_a"],
                        date=LAST_YEAR + datetime.timedelta(days=day),
                        participants=10,
                        tenants=8,
                    )
        made = n
        counts.append(count_queries(client, url))
    print(f"list queries for 1, 3, 50 actions: {counts}")
    assert counts[0] == counts[1] == counts[2], counts


def test_detail_query_count_is_the_same_for_1_3_and_50_sessions(world, client_for):
    action = make_action(world)
    client = client_for("referent_a")
    url = reverse("collective:collective_detail", kwargs={"uuid": action.uuid})
    counts, made = [], 0
    for n in (1, 3, 50):
        with scopes_disabled():
            for i in range(n - made):
                partner = PartnerFactory()
                SlspPartnerFactory(slsp=world.slsp_a, partner=partner)
                action.partners.add(partner)
                ActionSession.objects.create(
                    action=action,
                    slsp=world.slsp_a,
                    date=LAST_YEAR + datetime.timedelta(days=made + i),
                    participants=20,
                    tenants=15,
                    volunteers=2,
                )
        made = n
        counts.append(count_queries(client, url))
    print(f"detail queries for 1, 3, 50 sessions: {counts}")
    assert counts[0] == counts[1] == counts[2], counts
    body = client.get(url).content.decode()
    assert ">1000<" in body and ">750<" in body  # totals of 50 sessions


def test_regional_metric_counts_actions_in_one_query(world, django_assert_num_queries):
    make_action(world)
    make_action(world, title="Deuxième")
    make_action(world, slsp=world.slsp_b)
    with django_assert_num_queries(1):
        counts = collective_actions_by_slsp([world.slsp_a.pk, world.slsp_b.pk])
    assert counts == {world.slsp_a.pk: 2, world.slsp_b.pk: 1}


# --- Demo data ---


def test_demo_collective_actions_are_believable_and_idempotent(world, network):
    from apps.collective.demo import seed as seed_collective
    from apps.core.demo import DemoContext

    ctx = DemoContext(slsps=[world.slsp_a, world.slsp_b])
    with scopes_disabled():
        seed_collective(ctx)
        first = count_rows()
        seed_collective(ctx)
        assert count_rows() == first
        assert CollectiveAction.objects.filter(slsp=world.slsp_a).count() == 5
        two_years_ago = TODAY - datetime.timedelta(days=2 * 366)
        for action in CollectiveAction.objects.prefetch_related("sessions"):
            sessions = list(action.sessions.all())
            assert sessions, action
            assert action.start_date >= two_years_ago
            for session in sessions:
                assert action.start_date <= session.date <= TODAY
                assert 0 <= session.tenants <= session.participants <= 200
            if action.outcome:
                assert action.end_date <= TODAY
        # Partners come from the SLSP's own network only.
        linked = set(network["pcs"].slsp_links.values_list("slsp_id", flat=True))
        for action in CollectiveAction.objects.filter(partners=network["pcs"]):
            assert action.slsp_id in linked


def test_seed_demo_gives_every_demo_slsp_collective_actions(seeded_demo):
    from apps.partners.models import SlspPartner
    from apps.slsps.models import Slsp

    first, second = seeded_demo.counts(CollectiveAction, ActionSession)
    assert second == first
    with scopes_disabled():
        demo = list(Slsp.objects.filter(is_demo=True))
        assert demo
        for slsp in demo:
            actions = CollectiveAction.objects.filter(slsp=slsp)
            assert actions.count() == 5, slsp
            assert ActionSession.objects.filter(slsp=slsp).count() >= 5
        # Partners involved always come from the SLSP's own network.
        for action in CollectiveAction.objects.prefetch_related("partners")[:60]:
            network = set(
                SlspPartner.objects.filter(slsp_id=action.slsp_id).values_list(
                    "partner_id", flat=True
                )
            )
            assert {p.pk for p in action.partners.all()} <= network
        assert CollectiveAction.objects.exclude(outcome="").exists()
        assert CollectiveAction.objects.filter(end_date__gt=TODAY).exists()  # ongoing ones


# --- Correcting and deleting a session ---

SESSION_BAD_INPUT = [
    (
        {"participants": "10", "tenants": "12"},
        "Le nombre de locataires ne peut pas dépasser le nombre de participants.",
    ),
    (
        {"date": (TODAY + datetime.timedelta(days=3)).isoformat()},
        "Cette date est dans le futur",
    ),
    (
        {"date": (LAST_YEAR - datetime.timedelta(days=3)).isoformat()},
        "La date de la séance sort de la période de l'action.",
    ),
    ({"participants": ""}, "Ce champ est obligatoire."),
]


def _logged_session(world, action, **counts):
    with in_scope(world):
        return services.log_session(
            action,
            world.users["referent_a"],
            date=TODAY,
            **({"participants": 20, "tenants": 15, "volunteers": 2} | counts),
        )


def test_session_corrected_through_its_form(world, client_for):
    action = make_action(world)
    session = _logged_session(world, action)
    client = client_for("referent_a")
    detail = reverse("collective:collective_detail", kwargs={"uuid": action.uuid})
    edit = reverse("collective:session_edit", kwargs={"uuid": session.uuid})
    assert edit in client.get(detail).content.decode()
    page = client.get(edit).content.decode()
    assert 'value="20"' in page and 'value="15"' in page  # the current counts
    yesterday = TODAY - datetime.timedelta(days=1)
    response = client.post(
        edit,
        {
            "date": yesterday.isoformat(),
            "participants": "25",
            "tenants": "19",
            "volunteers": "",
            "note": "  Recomptés  ",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail
    with scopes_disabled():
        session.refresh_from_db()
    assert (session.date, session.participants, session.tenants, session.volunteers) == (
        yesterday,
        25,
        19,
        0,
    )
    assert session.note == "Recomptés"
    with in_scope(world):
        row = collective_action_rows(world.users["referent_a"]).get(pk=action.pk)
    assert row.participants_total == 25


@pytest.mark.parametrize(("data", "message"), SESSION_BAD_INPUT)
def test_session_correction_bad_input_changes_nothing(world, client_for, data, message):
    action = make_action(world)
    session = _logged_session(world, action)
    url = reverse("collective:session_edit", kwargs={"uuid": session.uuid})
    post = {"date": TODAY.isoformat(), "participants": "10", "tenants": "5", "volunteers": "0"}
    response = client_for("referent_a").post(url, post | data)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    with scopes_disabled():
        session.refresh_from_db()
    assert (session.participants, session.tenants) == (20, 15)


def test_session_deleted_and_totals_follow(world, client_for):
    action = make_action(world)
    kept = _logged_session(world, action)
    twice = _logged_session(world, action, participants=7, tenants=7)
    client = client_for("referent_a")
    delete = reverse("collective:session_delete", kwargs={"uuid": twice.uuid})
    # The button is a link to the confirmation page: opening it deletes nothing.
    page = client.get(delete)
    assert page.status_code == 200 and "Supprimer la séance" in page.content.decode()
    with scopes_disabled():
        assert ActionSession.objects.filter(pk=twice.pk).exists()
    response = client.post(delete, follow=True)
    assert "supprimée" in response.content.decode()
    with scopes_disabled():
        assert list(ActionSession.objects.filter(action=action)) == [kept]
    with in_scope(world):
        row = collective_action_rows(world.users["referent_a"]).get(pk=action.pk)
    assert row.participants_total == 20
    # Another SLSP's référent cannot reach it; the direction reads but does not act.
    for persona in ("referent_b", "direction_a"):
        url = reverse("collective:session_edit", kwargs={"uuid": kept.uuid})
        assert client_for(persona).get(url).status_code == 404, persona
        delete = reverse("collective:session_delete", kwargs={"uuid": kept.uuid})
        assert client_for(persona).post(delete).status_code == 404, persona
    assert count_rows() == (1, 1)


def test_session_form_query_count_does_not_grow_with_sessions(world, client_for):
    action = make_action(world)
    session = _logged_session(world, action)
    url = reverse("collective:session_edit", kwargs={"uuid": session.uuid})
    client = client_for("referent_a")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    one = count()
    for _ in range(5):
        _logged_session(world, action)
    assert count() == one

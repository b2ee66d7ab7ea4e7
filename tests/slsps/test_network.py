"""Référents' network: SWL events with attendance, good-practice sheets, the regional
attendance metric and the dashboard at 68 SLSPs."""

import datetime
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accounts.models import Role
from apps.slsps import queries
from apps.slsps.models import Attendance, GoodPracticeSheet, NetworkEvent, Slsp
from tests.accounts.factories import make_user
from tests.slsps.factories import (
    ActionStrategyFactory,
    AttendanceFactory,
    GoodPracticeSheetFactory,
    NetworkEventFactory,
    ReferentPostFactory,
    SlspFactory,
    StrategyItemFactory,
)

pytestmark = pytest.mark.django_db


def _event_data(**overrides):
    data = {
        "kind": "training",
        "title": "Formation : secret professionnel",
        "date": "2026-03-12",
        "place": "Namur",
        "description": "",
    }
    data.update(overrides)
    return data


# --- Events ---


def test_coordinator_creates_an_event(client_for, world):
    response = client_for("coordinateur").post(reverse("slsps:event_create"), _event_data())
    event = NetworkEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("slsps:event_detail", kwargs={"uuid": event.uuid})
    assert event.date == datetime.date(2026, 3, 12)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_event_data(date="1850-01-01"), "Date impossible : indiquez une date à partir du"),
        (_event_data(date="31/02/2026"), "Saisissez une date valide."),
        (_event_data(kind="soiree"), "Sélectionnez un choix valide."),
        (_event_data(title=""), "Ce champ est obligatoire."),
    ],
)
def test_event_bad_input_saves_nothing(client_for, world, data, message):
    response = client_for("coordinateur").post(reverse("slsps:event_create"), data)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert not NetworkEvent.objects.exists()


def test_referents_cannot_create_events(client_for, world):
    for persona in ("referent_a", "direction_a", "jury", "admin"):
        assert (
            client_for(persona).post(reverse("slsps:event_create"), _event_data()).status_code
            == 404
        )
    assert not NetworkEvent.objects.exists()


# --- Attendance ---


def _attendance_field(user):
    return f"p_{user.uuid}"


def test_attendance_lists_only_referents_and_records_present_absent(client_for, world):
    event = NetworkEventFactory()
    url = reverse("slsps:event_attendance", kwargs={"uuid": event.uuid})
    client = client_for("coordinateur")
    page = client.get(url).content.decode()
    ref_a, ref_b = world.users["referent_a"], world.users["referent_b"]
    assert _attendance_field(ref_a) in page and _attendance_field(ref_b) in page
    # Choices are the people with a référent role: no accompagnateur, no direction.
    assert _attendance_field(world.users["accompagnateur_a"]) not in page
    assert _attendance_field(world.users["direction_a"]) not in page

    data = {_attendance_field(ref_a): "present", _attendance_field(ref_b): "absent"}
    assert client.post(url, data).status_code == 302
    lines = {a.person_id: (a.present, a.slsp_id) for a in Attendance.objects.all()}
    assert lines == {ref_a.pk: (True, world.slsp_a.pk), ref_b.pk: (False, world.slsp_b.pk)}

    # "Non encodé" removes a line; the other one changes.
    data = {_attendance_field(ref_a): "", _attendance_field(ref_b): "present"}
    assert client.post(url, data).status_code == 302
    assert list(Attendance.objects.values_list("person_id", "present")) == [(ref_b.pk, True)]


def test_attendance_bad_input_saves_nothing(client_for, world):
    event = NetworkEventFactory()
    url = reverse("slsps:event_attendance", kwargs={"uuid": event.uuid})
    ref_a, ref_b = world.users["referent_a"], world.users["referent_b"]
    data = {_attendance_field(ref_a): "present", _attendance_field(ref_b): "peut-être"}
    response = client_for("coordinateur").post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sélectionnez un choix valide" in body
    assert "Les présences n&#x27;ont pas été enregistrées" in body
    assert not Attendance.objects.exists()


def test_referent_sees_calendar_with_own_attendance_only(client_for, world):
    event = NetworkEventFactory(title="Intervision impayés")
    ref_a, ref_b = world.users["referent_a"], world.users["referent_b"]
    AttendanceFactory(event=event, slsp=world.slsp_a, person=ref_a, present=True)
    AttendanceFactory(event=event, slsp=world.slsp_b, person=ref_b, present=False)
    client = client_for("referent_a")
    calendar = client.get(reverse("slsps:network")).content.decode()
    assert "Intervision impayés" in calendar and "Ma présence" in calendar
    assert "vous avez participé à 1 des 1 activités" in calendar  # the event is this year
    detail = client.get(reverse("slsps:event_detail", kwargs={"uuid": event.uuid}))
    body = detail.content.decode()
    assert "Présent" in body and str(ref_b) not in body
    assert "Encoder les présences" not in body
    # The coordinator sees everybody's line.
    coordinator = client_for("coordinateur").get(
        reverse("slsps:event_detail", kwargs={"uuid": event.uuid})
    )
    assert str(ref_a) in coordinator.content.decode()
    assert str(ref_b) in coordinator.content.decode()


# --- Good-practice sheets ---


def _sheet_data(slsp, **overrides):
    data = {
        "slsp": slsp.pk,
        "title": "Visite d'accueil",
        "domain": "Pédagogie de l'habiter",
        "summary": "Une visite dans le mois de l'entrée.",
        "what_worked": "",
        "partners_involved": "CPAS",
    }
    data.update(overrides)
    return data


def test_referent_writes_a_draft_then_publishes_it(client_for, world):
    client = client_for("referent_a")
    assert (
        client.post(reverse("slsps:practice_create"), _sheet_data(world.slsp_a)).status_code == 302
    )
    sheet = GoodPracticeSheet.objects.get()
    assert (sheet.slsp, sheet.created_by, sheet.published) == (
        world.slsp_a,
        world.users["referent_a"],
        False,
    )
    detail = reverse("slsps:practice_detail", kwargs={"uuid": sheet.uuid})
    # A draft stays within its SLSP.
    for persona in ("referent_b", "coordinateur", "direction_a", "jury"):
        assert client_for(persona).get(detail).status_code == 404
    edit = reverse("slsps:practice_edit", kwargs={"uuid": sheet.uuid})
    assert client.post(edit, _sheet_data(world.slsp_a, published="on")).status_code == 302
    for persona in ("referent_b", "coordinateur"):
        assert client_for(persona).get(detail).status_code == 200
        listing = client_for(persona).get(reverse("slsps:practices")).content.decode()
        assert "Visite d&#x27;accueil" in listing
    # Published does not mean editable by others.
    refused = client_for("referent_b").post(edit, _sheet_data(world.slsp_a, title="Volé"))
    assert refused.status_code == 404
    sheet.refresh_from_db()
    assert sheet.title == "Visite d'accueil"


def test_sheet_for_another_slsp_is_refused(client_for, world):
    response = client_for("referent_a").post(
        reverse("slsps:practice_create"), _sheet_data(world.slsp_b)
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not GoodPracticeSheet.objects.exists()


def test_sheet_bad_input_saves_nothing(client_for, world):
    response = client_for("referent_a").post(
        reverse("slsps:practice_create"), _sheet_data(world.slsp_a, summary="", title="x" * 300)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ce champ est obligatoire." in body
    assert "Assurez-vous que cette valeur comporte au plus 200 caractères" in body
    assert not GoodPracticeSheet.objects.exists()


def test_library_links_to_calls_library(client_for, world):
    body = client_for("referent_a").get(reverse("slsps:practices")).content.decode()
    assert reverse("calls:library") in body


# --- Query counts (1 and 3 rows) ---


def _grow(world, n):
    """n events with attendance of both référents, n published sheets per SLSP, n
    extra référents (attendance choices)."""
    for _ in range(n):
        event = NetworkEventFactory()
        for persona, slsp in (("referent_a", world.slsp_a), ("referent_b", world.slsp_b)):
            AttendanceFactory(event=event, slsp=slsp, person=world.users[persona])
        GoodPracticeSheetFactory(slsp=world.slsp_a)
        GoodPracticeSheetFactory(slsp=world.slsp_b, published=False)
        make_user(Role.REFERENT, world.slsp_b)


@pytest.mark.parametrize(
    ("name", "persona"),
    [
        ("slsps:network", "referent_a"),
        ("slsps:network", "coordinateur"),
        ("slsps:practices", "referent_a"),
        ("slsps:practices", "coordinateur"),
        ("slsps:event_detail", "coordinateur"),
        ("slsps:event_attendance", "coordinateur"),
        ("reports:slsp_overview", "coordinateur"),
    ],
)
def test_query_count_does_not_grow_with_rows(client_for, world, name, persona):
    first = NetworkEventFactory(title="Première")
    client = client_for(persona)  # signed in before counting
    counts = []
    for n in (1, 2):  # 1 row, then 3
        _grow(world, n)
        for person, slsp in (("referent_a", world.slsp_a), ("referent_b", world.slsp_b)):
            Attendance.objects.get_or_create(
                event=first, person=world.users[person], defaults={"slsp": slsp}
            )
        kwargs = {}
        if name.startswith("slsps:event"):
            kwargs = {"uuid": first.uuid}
        elif name == "reports:slsp_overview":
            kwargs = {"uuid": world.slsp_a.uuid}
        cache.clear()  # the regional figures are cached: count a full computation
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name, kwargs=kwargs)).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


# --- Regional metric and dashboard ---


def test_attendance_metric_counts_presences_of_this_year(world):
    this_year = timezone.localdate().replace(month=1, day=10)
    last_year = this_year.replace(year=this_year.year - 1)
    ref_a = world.users["referent_a"]
    AttendanceFactory(event=NetworkEventFactory(date=this_year), slsp=world.slsp_a, person=ref_a)
    AttendanceFactory(
        event=NetworkEventFactory(date=this_year), slsp=world.slsp_a, person=ref_a, present=False
    )
    AttendanceFactory(event=NetworkEventFactory(date=last_year), slsp=world.slsp_a, person=ref_a)
    assert queries.training_attendance_by_slsp([world.slsp_a.pk, world.slsp_b.pk]) == {
        world.slsp_a.pk: 1
    }


def test_dashboard_shows_every_column_and_overview_counts(client_for, world):
    ref_a = world.users["referent_a"]
    AttendanceFactory(event=NetworkEventFactory(), slsp=world.slsp_a, person=ref_a)
    client = client_for("coordinateur")
    body = client.get(reverse("reports:region")).content.decode()
    for label in ("Postes de référent pourvus", "Présences au réseau (année)"):
        assert label in body
    overview = client.get(
        reverse("reports:slsp_overview", kwargs={"uuid": world.slsp_a.uuid})
    ).content.decode()
    assert "Réseau des référents : présences" in overview
    assert ref_a.last_name not in overview and ref_a.email not in overview


@pytest.mark.parametrize("name", ["reports:region", "reports:region_xlsx"])
def test_dashboard_query_count_is_the_same_for_3_and_68_slsps(client_for, world, name):
    client = client_for("coordinateur")
    counts = []
    for extra in (1, 65):
        for slsp in SlspFactory.create_batch(extra):
            ReferentPostFactory(slsp=slsp)
            with scopes_disabled():
                strategy = ActionStrategyFactory(slsp=slsp)
                StrategyItemFactory(strategy=strategy)
            AttendanceFactory(slsp=slsp, person=make_user(Role.REFERENT, slsp))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(ctx))
    assert Slsp.objects.count() == 68
    assert counts[0] == counts[1], counts


# --- Demo data ---


def test_demo_seed_is_idempotent_and_complete():
    from apps.core.demo import DemoContext
    from apps.slsps import demo
    from apps.slsps.models import ActionStrategy, StrategyItem

    with scopes_disabled():
        demo.seed(DemoContext())
        first = (
            ActionStrategy.objects.count(),
            StrategyItem.objects.count(),
            NetworkEvent.objects.count(),
            Attendance.objects.count(),
            GoodPracticeSheet.objects.count(),
        )
        demo.seed(DemoContext())
        second = (
            ActionStrategy.objects.count(),
            StrategyItem.objects.count(),
            NetworkEvent.objects.count(),
            Attendance.objects.count(),
            GoodPracticeSheet.objects.count(),
        )
        slsp = Slsp.objects.filter(is_demo=True).order_by("pk").first()
        year = timezone.localdate().year
        for strategy in ActionStrategy.objects.filter(slsp=slsp):
            objectives = strategy.items.filter(kind="objectif").count()
            axes = strategy.items.filter(kind="axe").count()
            assert 2 <= objectives <= 4 and 1 <= axes <= 3
        assert set(ActionStrategy.objects.filter(slsp=slsp).values_list("year", flat=True)) == {
            year,
            year - 1,
        }
    assert first == second
    assert first[0] == 2 * Slsp.objects.filter(is_demo=True).count()
    assert first[2] == 12 and first[3] > 0 and first[4] >= 3


def test_home_panel_lists_upcoming_events_for_referents_and_coordinators(client_for, world):
    future = timezone.localdate() + datetime.timedelta(days=10)
    NetworkEventFactory(title="Intervision à venir", date=future)
    NetworkEventFactory(title="Formation passée", date=future.replace(year=future.year - 2))
    for persona in ("referent_a", "coordinateur"):
        body = client_for(persona).get(reverse("core:home")).content.decode()
        assert "Intervision à venir" in body and "Formation passée" not in body
    for persona in ("accompagnateur_a", "jury"):
        body = client_for(persona).get(reverse("core:home")).content.decode()
        assert "Intervision à venir" not in body


def test_recording_attendance_costs_the_same_for_1_and_3_referents(client_for, world):
    client = client_for("coordinateur")
    counts = []
    for extra in (0, 2):
        event = NetworkEventFactory()
        for _ in range(extra):
            make_user(Role.REFERENT, world.slsp_b)
        data = {_attendance_field(m.user): "present" for m in queries.referent_memberships()}
        # One référent of SLSP A always absent: 2 (then 4) lines, one of them absent.
        data[_attendance_field(world.users["referent_a"])] = "absent"
        url = reverse("slsps:event_attendance", kwargs={"uuid": event.uuid})
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(url, data).status_code == 302
        counts.append(len(ctx))
        assert event.attendances.filter(present=True).count() == 1 + extra
    assert counts[0] == counts[1], counts

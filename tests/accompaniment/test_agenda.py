"""The agenda: appointments (planned moments) counted nowhere until done, marking done,
the week view, next steps, the home's work list."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import agenda, queries, services
from apps.accompaniment.models import Domain, Moment, MomentKind, MomentMonth
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def _follow_up(world, household, *, opened=None):
    user = world.users["referent_a"]
    opened = opened or TODAY - datetime.timedelta(days=100)
    services.record_consent(household, user, given_on=opened, covers_follow_up=True)
    return services.open_follow_up(
        household,
        user,
        domains=[Domain.HABITER],
        objective="Entretien du logement",
        opened_on=opened,
    )


def _plan(world, household, *, date, who="referent_a", **kwargs):
    return agenda.plan_appointment(
        household, world.users[who], kind=MomentKind.HOME_VISIT, date=date, **kwargs
    )


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a, start_date=TODAY - datetime.timedelta(days=20))


def test_planned_moments_count_in_no_figure_until_done(world, household):
    """Planned-but-not-done moments count nowhere: the monthly summary (regional table),
    the semestrial indicators, the follow-up list, the stale and welcome work lists."""
    user = world.users["referent_a"]
    with scope(slsp=[world.slsp_a.pk]):
        follow_up = _follow_up(world, household)
        planned_today = agenda.plan_appointment(
            household, user, kind=MomentKind.WELCOME, date=TODAY, follow_up=follow_up
        )
        _plan(world, household, date=TODAY + 3 * DAY, follow_up=follow_up)
        assert (
            sum(MomentMonth.objects.filter(slsp=world.slsp_a).values_list("count", flat=True)) == 0
        )
        rows = list(queries.follow_up_rows(user))
        assert rows[0].moment_count == 0 and rows[0].last_moment is None
        assert list(queries.stale_follow_ups(user, days=60)) == [follow_up]
        assert list(queries.first_year_without_welcome(user)) == [household]
        assert Moment.objects.done().count() == 0
        # The timeline shows what took place only.
        assert not queries.timeline_moments(household).exists()

        agenda.mark_done(planned_today)

        assert (
            sum(MomentMonth.objects.filter(slsp=world.slsp_a).values_list("count", flat=True)) == 1
        )
        rows = list(queries.follow_up_rows(user))
        assert rows[0].moment_count == 1 and rows[0].last_moment == TODAY
        assert not queries.stale_follow_ups(user, days=60).exists()
        assert not queries.first_year_without_welcome(user).exists()
        assert queries.timeline_moments(household).count() == 1


def test_semester_indicators_ignore_planned_moments(world, household):
    """The published semester figures (read by the report, the regional table and the
    drill-down) count what took place only."""
    from apps.core.periods import Semester

    with scope(slsp=[world.slsp_a.pk]):
        _plan(world, household, date=TODAY)
        agenda.plan_appointment(
            household, world.users["referent_a"], kind=MomentKind.WELCOME, date=TODAY
        )
        semester = Semester.of(TODAY)
        slsp = world.slsp_a.pk
        assert queries.moments_by_kind(slsp, semester) == []
        assert queries.moments_by_slsp([slsp], semester).get(slsp, 0) == 0
        assert queries.welcomed_by_slsp([slsp], semester).get(slsp, 0) == 0


def test_mark_done_dates_an_early_appointment_today_and_refuses_twice(world, household):
    with scope(slsp=[world.slsp_a.pk]):
        moment = _plan(world, household, date=TODAY + 5 * DAY)
        done = agenda.mark_done(moment)
        assert (done.planned, done.date) == (False, TODAY)
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            agenda.mark_done(done)


def test_planning_in_the_past_or_absurdly_far_is_refused(world, household):
    from django.core.exceptions import ValidationError

    with scope(slsp=[world.slsp_a.pk]):
        with pytest.raises(ValidationError):
            _plan(world, household, date=TODAY - DAY)
        with pytest.raises(ValidationError):
            _plan(world, household, date=datetime.date(9999, 12, 31))
        assert not Moment.objects.exists()


def test_plan_then_mark_done_through_the_pages(client_for, world, household):
    client = client_for("referent_a")
    url = reverse("accompaniment:appointment_form", kwargs={"uuid": household.uuid})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "rdv-kind": MomentKind.HOME_VISIT,
            "rdv-date": (TODAY + DAY).isoformat(),
            "rdv-time": "14:30",
            "rdv-duration_minutes": "45",
            "rdv-note": "Porte bleue",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        moment = Moment.objects.get()
    assert moment.planned and moment.time == datetime.time(14, 30)
    page = client.get(reverse("tenants:household", kwargs={"uuid": household.uuid}))
    assert "Porte bleue" in page.content.decode()
    response = client.post(
        reverse("accompaniment:appointment_done", kwargs={"uuid": moment.uuid}),
        {"retour": "semaine"},
    )
    assert response.status_code == 302 and "/agenda/" in response["Location"]
    with scopes_disabled():
        moment.refresh_from_db()
    assert not moment.planned and moment.date == TODAY


def test_bad_appointment_keeps_what_was_typed_and_saves_nothing(client_for, world, household):
    client = client_for("referent_a")
    url = reverse("accompaniment:appointment_form", kwargs={"uuid": household.uuid})
    response = client.post(
        url,
        {
            "rdv-kind": MomentKind.HOME_VISIT,
            "rdv-date": (TODAY - 3 * DAY).isoformat(),
            "rdv-duration_minutes": "45",
            "rdv-note": "Texte tapé à garder",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Un rendez-vous se planifie aujourd" in html
    assert "Texte tapé à garder" in html
    with scopes_disabled():
        assert not Moment.objects.exists()


def test_week_view_lists_the_week_with_reference_and_kind(client_for, world, household):
    monday = agenda.week_start(TODAY)
    with scope(slsp=[world.slsp_a.pk]):
        _plan(world, household, date=TODAY, time=datetime.time(9, 0))
        _plan(world, household, date=monday + 7 * DAY, note="semaine prochaine")
    client = client_for("referent_a")
    html = client.get(reverse("accompaniment:agenda")).content.decode()
    assert household.reference in html
    assert "Visite à domicile" in html
    assert "09:00" in html
    assert "semaine prochaine" not in html
    html = client.get(
        reverse("accompaniment:agenda") + f"?semaine={monday + 7 * DAY:%Y-%m-%d}"
    ).content.decode()
    assert "semaine prochaine" in html
    # Nonsense in the address shows the current week, not an error.
    assert client.get(reverse("accompaniment:agenda") + "?semaine=0001-99-99").status_code == 200


def test_accompagnateur_sees_only_their_own_appointments(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        _plan(world, household, date=TODAY, note="celui du référent")
        _plan(world, household, date=TODAY, who="accompagnateur_a", note="le mien")
    html = client_for("accompagnateur_a").get(reverse("accompaniment:agenda")).content.decode()
    assert "le mien" in html and "celui du référent" not in html
    html = client_for("referent_a").get(reverse("accompaniment:agenda")).content.decode()
    assert "le mien" in html and "celui du référent" in html
    # Another SLSP's référent sees none of them.
    html = client_for("referent_b").get(reverse("accompaniment:agenda")).content.decode()
    assert "le mien" not in html and household.reference not in html


def test_week_view_query_count_does_not_grow(
    client_for, world, household, django_assert_max_num_queries
):
    client = client_for("referent_a")
    url = reverse("accompaniment:agenda")
    with scope(slsp=[world.slsp_a.pk]):
        _plan(world, household, date=TODAY)
    client.get(url)
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    with scopes_disabled():
        for _ in range(10):
            other = make_household(world.slsp_a)
            with scope(slsp=[world.slsp_a.pk]):
                _plan(world, other, date=TODAY)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_next_step_edit_and_overdue_on_the_home(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        follow_up = _follow_up(world, household)
    client = client_for("referent_a")
    url = reverse("accompaniment:next_step", kwargs={"uuid": follow_up.uuid})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"next_step": "Appeler le CPAS", "next_step_due": (TODAY - DAY).isoformat()}
    )
    assert response.status_code == 302
    with scopes_disabled():
        follow_up.refresh_from_db()
    assert (follow_up.next_step, follow_up.next_step_due) == ("Appeler le CPAS", TODAY - DAY)
    with scope(slsp=[world.slsp_a.pk]):
        assert list(agenda.overdue_next_steps(world.users["referent_a"])) == [follow_up]
    html = client.get(reverse("core:home")).content.decode()
    assert "Prochaines étapes dépassées" in html and "Appeler le CPAS" in html


def test_next_step_bad_input_is_kept_and_nothing_saved(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        follow_up = _follow_up(world, household)
    client = client_for("referent_a")
    url = reverse("accompaniment:next_step", kwargs={"uuid": follow_up.uuid})
    response = client.post(url, {"next_step": "x" * 201, "next_step_due": "pas une date"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "x" * 201 in html
    assert "Saisissez une date valide" in html or "date valide" in html
    response = client.post(url, {"next_step": "", "next_step_due": TODAY.isoformat()})
    assert "Décrivez la prochaine étape" in response.content.decode()
    with scopes_disabled():
        follow_up.refresh_from_db()
    assert follow_up.next_step == "" and follow_up.next_step_due is None


def test_home_work_list_shows_today_and_overdue_appointments(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        _plan(world, household, date=TODAY)
        late = _plan(world, household, date=TODAY + DAY)
    # Planned yesterday, not done: written as it would stand today.
    with scopes_disabled():
        Moment.objects.filter(pk=late.pk).update(date=TODAY - 2 * DAY)
    with scope(slsp=[world.slsp_a.pk]):
        user = world.users["referent_a"]
        assert agenda.appointments_today(user).count() == 1
        assert list(agenda.overdue_appointments(user)) == [late]
    html = client_for("referent_a").get(reverse("core:home")).content.decode()
    assert "Rendez-vous du jour" in html and "Rendez-vous en retard" in html
    assert household.reference in html


def test_home_work_list_query_count_does_not_grow(client_for, world, household):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("referent_a")
    counts = []
    for batch in (1, 5):
        with scopes_disabled():
            for _ in range(batch):
                other = make_household(world.slsp_a)
                with scope(slsp=[world.slsp_a.pk]):
                    _plan(world, other, date=TODAY)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("core:home"))
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_direction_cannot_plan_nor_mark_done(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        moment = _plan(world, household, date=TODAY)
    client = client_for("direction_a")
    url = reverse("accompaniment:appointment_form", kwargs={"uuid": household.uuid})
    assert client.get(url).status_code == 404
    done = reverse("accompaniment:appointment_done", kwargs={"uuid": moment.uuid})
    assert client.post(done).status_code == 404
    assert client_for("referent_b").post(done).status_code == 404
    with scopes_disabled():
        assert Moment.objects.get().planned


def test_stale_follow_up_setting_is_honoured(world, household, settings):
    settings.FOLLOWUP_STALE_DAYS = 200
    with scope(slsp=[world.slsp_a.pk]):
        _follow_up(world, household)
        assert not queries.stale_follow_ups(world.users["referent_a"]).exists()


def test_cancel_an_appointment_after_confirmation(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        moment = _plan(world, household, date=TODAY)
    client = client_for("accompagnateur_a")
    url = reverse("accompaniment:appointment_cancel", kwargs={"uuid": moment.uuid})
    page = client.get(url).content.decode()
    assert "Ce que cette action va faire" in page and household.reference in page
    with scopes_disabled():
        assert Moment.objects.filter(pk=moment.pk).exists()  # the GET changes nothing
    assert client_for("direction_a").post(url).status_code == 404
    assert client_for("referent_b").post(url).status_code == 404
    assert client.post(url).status_code == 302
    with scopes_disabled():
        assert not Moment.objects.filter(pk=moment.pk).exists()


def test_a_done_moment_cannot_be_cancelled_as_an_appointment(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        moment = agenda.mark_done(_plan(world, household, date=TODAY))
    url = reverse("accompaniment:appointment_cancel", kwargs={"uuid": moment.uuid})
    assert client_for("referent_a").post(url).status_code == 404
    with scopes_disabled():
        assert Moment.objects.filter(pk=moment.pk).exists()


def test_quick_done_from_the_home_and_none_for_the_direction(client_for, world, household):
    with scope(slsp=[world.slsp_a.pk]):
        moment = _plan(world, household, date=TODAY)
    done = reverse("accompaniment:appointment_done", kwargs={"uuid": moment.uuid})
    direction_home = client_for("direction_a").get(reverse("core:home")).content.decode()
    assert household.reference in direction_home and done not in direction_home
    direction_week = client_for("direction_a").get(reverse("accompaniment:agenda"))
    assert done not in direction_week.content.decode()
    client = client_for("referent_a")
    assert done in client.get(reverse("core:home")).content.decode()
    response = client.post(done, {"retour": "accueil"})
    assert response["Location"] == reverse("core:home")
    with scopes_disabled():
        moment.refresh_from_db()
    assert not moment.planned


def test_monthly_summary_matches_a_recount_after_planning_done_and_cancel(world, household):
    def summary():
        return dict(
            MomentMonth.objects.filter(slsp=world.slsp_a, count__gt=0).values_list("month", "count")
        )

    with scope(slsp=[world.slsp_a.pk]):
        kept = _plan(world, household, date=TODAY)
        cancelled = _plan(world, household, date=TODAY)
        agenda.mark_done(kept)
        agenda.cancel_appointment(cancelled)
        services.log_moment(
            household,
            world.users["referent_a"],
            kind=MomentKind.PHONE,
            date=TODAY,
            duration_minutes=5,
        )
        by_triggers = summary()
        services.rebuild_moment_months()
        assert summary() == by_triggers == {TODAY.replace(day=1): 2}
        assert not MomentMonth.objects.filter(count__lt=0).exists()

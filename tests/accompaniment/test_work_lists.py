import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import queries, services
from apps.accompaniment.models import Domain, FollowUp, MomentKind
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_new_tenants_without_welcome_moment(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        new = make_household(world.slsp_a, start_date=TODAY - datetime.timedelta(days=30))
        make_household(world.slsp_a, start_date=TODAY - datetime.timedelta(days=800))
        make_household(world.slsp_b, start_date=TODAY - datetime.timedelta(days=10))
    with scope(slsp=[world.slsp_a.pk]):
        assert list(queries.first_year_without_welcome(user)) == [new]
        services.log_moment(new, user, kind=MomentKind.WELCOME, date=TODAY, duration_minutes=45)
        assert not queries.first_year_without_welcome(user).exists()


def test_follow_ups_without_news_for_n_days(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        household = make_household(world.slsp_a)
    with scope(slsp=[world.slsp_a.pk]):
        long_ago = TODAY - datetime.timedelta(days=100)
        services.record_consent(household, user, given_on=long_ago, covers_follow_up=True)
        follow_up = services.open_follow_up(
            household, user, domains=[Domain.HABITER], objective="x", opened_on=long_ago
        )
        services.log_moment(
            household,
            user,
            kind=MomentKind.PHONE,
            follow_up=follow_up,
            date=TODAY - datetime.timedelta(days=70),
            duration_minutes=10,
        )
        assert list(queries.stale_follow_ups(user, days=60)) == [follow_up]
        services.log_moment(
            household,
            user,
            kind=MomentKind.PHONE,
            follow_up=follow_up,
            date=TODAY,
            duration_minutes=10,
        )
        assert not queries.stale_follow_ups(user, days=60).exists()


def test_home_work_lists_cost_the_same_for_1_3_and_50_households(client_for, world):
    client = client_for("referent_a")
    counts = []
    for batch in (1, 2, 47):
        with scopes_disabled():
            for _ in range(batch):
                make_household(world.slsp_a, start_date=TODAY - datetime.timedelta(days=5))
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(reverse("core:home")).content.decode()
        counts.append(len(ctx))
    assert "Nouveaux locataires à accueillir" in html
    assert len(set(counts)) == 1, counts


def test_home_panel_lists_the_first_eight_and_counts_them_all(world, rf):
    from apps.accompaniment import panels

    request = rf.get("/")
    request.user = world.users["referent_a"]
    with scope(slsp=[world.slsp_a.pk]):
        assert panels.work_lists(request)["welcome_count"] == 0
        assert panels.work_lists(request)["welcome"] == []
    with scopes_disabled():
        for days in range(1, 12):
            make_household(world.slsp_a, start_date=TODAY - datetime.timedelta(days=days))
    with scope(slsp=[world.slsp_a.pk]):
        data = panels.work_lists(request)
        expected = list(queries.first_year_without_welcome(request.user))
    assert data["welcome_count"] == len(expected) == 11
    assert data["welcome"] == expected[: panels.LIMIT]
    assert data["stale_count"] == 0


def test_stale_follow_ups_equal_a_plain_computation(world):
    """Latest moment (or the opening day) before the limit, open follow-ups only,
    oldest first: the subquery gives what a loop over the moments gives."""
    user = world.users["referent_a"]
    days = datetime.timedelta
    cases = [(200, [150, 70]), (200, [10]), (90, []), (30, []), (200, [61, 59]), (200, [60])]
    with scope(slsp=[world.slsp_a.pk]):
        for opened_ago, moment_ages in cases:
            with scopes_disabled():
                household = make_household(world.slsp_a)
            services.record_consent(
                household, user, given_on=TODAY - days(300), covers_follow_up=True
            )
            follow_up = services.open_follow_up(
                household,
                user,
                domains=[Domain.HABITER],
                objective="x",
                opened_on=TODAY - days(opened_ago),
            )
            for age in moment_ages:
                services.log_moment(
                    household,
                    user,
                    kind=MomentKind.PHONE,
                    follow_up=follow_up,
                    date=TODAY - days(age),
                    duration_minutes=10,
                )
        closed = services.open_follow_up(
            household,
            user,
            domains=[Domain.HABITER],
            objective="fermé",
            opened_on=TODAY - days(250),
        )
        services.close_follow_up(closed, outcome="autre", closed_on=TODAY - days(100))
        limit = TODAY - days(60)
        expected = []
        for f in FollowUp.objects.filter(closed_on__isnull=True):
            dates = list(f.moments.values_list("date", flat=True))
            last = max(dates) if dates else f.opened_on
            if last < limit:
                expected.append((last, f.pk))
        got = [(f.last_moment, f.pk) for f in queries.stale_follow_ups(user, days=60)]
    assert sorted(expected) == sorted(got)
    assert [last for last, _ in got] == sorted(last for last, _ in got)
    assert len(got) == 2  # last moment 70 days ago; opened 90 days ago without a moment

"""The queries rewritten for the regional scale give the same figures as a
straightforward count in Python over factory-made data, at a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from apps.accompaniment import queries, services
from apps.accompaniment.models import Domain, FollowUp, Moment, MomentKind
from apps.core.periods import Semester
from apps.referrals.models import Referral
from apps.referrals.queries import referrals_this_semester_by_slsp
from apps.tenants.models import Household, Tenancy
from tests.referrals.factories import make_referral, referral_setup
from tests.tenants.factories import TenancyFactory, make_household

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = Semester.current(TODAY).start
DAY = datetime.timedelta(days=1)


def _moment(household, user, day, kind=MomentKind.PHONE, follow_up=None):
    return Moment.objects.create(
        slsp_id=household.slsp_id,
        household=household,
        follow_up=follow_up,
        kind=kind,
        date=day,
        author=user,
    )


def test_moments_this_semester_equal_a_plain_count(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        a = make_household(world.slsp_a)
        b = make_household(world.slsp_b)
        for day in (START - DAY, START, TODAY, START - 200 * DAY):
            _moment(a, user, day)
        for day in (START, TODAY, TODAY):
            _moment(b, user, day)
        ids = [world.slsp_a.pk, world.slsp_b.pk]
        expected = {}
        for moment in Moment.objects.all():
            if moment.date >= START and moment.slsp_id in ids:
                expected[moment.slsp_id] = expected.get(moment.slsp_id, 0) + 1
    assert expected == {world.slsp_a.pk: 2, world.slsp_b.pk: 3}
    with CaptureQueriesContext(connection) as captured:
        assert queries.moments_this_semester_by_slsp(ids) == expected
    assert len(captured) == 1
    assert queries.moments_this_semester_by_slsp([world.slsp_b.pk]) == {world.slsp_b.pk: 3}


def test_referrals_this_semester_use_local_midnight_like_the_date_lookup(world):
    user = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, user)
    midnight = timezone.make_aware(datetime.datetime.combine(START, datetime.time.min))
    # Just before and just after local midnight (22:59 / 23:00 UTC in Brussels): the
    # aware bound must agree with the per-row date cast it replaced.
    stamps = [
        midnight - datetime.timedelta(seconds=1),
        midnight,
        midnight + datetime.timedelta(hours=1),
        midnight - datetime.timedelta(days=40),
    ]
    with scopes_disabled():
        for stamp in stamps:
            referral = make_referral(setup, user)
            Referral.objects.filter(pk=referral.pk).update(proposed_at=stamp)
        other = referral_setup(world.slsp_b, world.users["referent_b"])
        make_referral(other, world.users["referent_b"])
        ids = [world.slsp_a.pk, world.slsp_b.pk]
        plain = {}
        for referral in Referral.objects.all():
            if timezone.localtime(referral.proposed_at).date() >= START:
                plain[referral.slsp_id] = plain.get(referral.slsp_id, 0) + 1
        by_cast = dict(
            Referral.objects.filter(slsp_id__in=ids, proposed_at__date__gte=START)
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
    assert plain == {world.slsp_a.pk: 2, world.slsp_b.pk: 1}
    assert by_cast == plain
    with CaptureQueriesContext(connection) as captured:
        assert referrals_this_semester_by_slsp(ids) == plain
    assert len(captured) == 1


def _plain_first_year_without_welcome(slsp_id):
    """The rule read literally: a current tenancy begun within 365 days, no welcome moment."""
    limit = TODAY - datetime.timedelta(days=365)
    result = []
    for household in Household.objects.filter(slsp_id=slsp_id):
        tenancies = Tenancy.objects.filter(household=household)
        recent = [
            t
            for t in tenancies
            if limit < t.start_date <= TODAY and (t.end_date is None or t.end_date >= TODAY)
        ]
        welcomed = Moment.objects.filter(household=household, kind=MomentKind.WELCOME).exists()
        if recent and not welcomed:
            result.append(household)
    return sorted(result, key=lambda h: max(t.start_date for t in h.tenancies.all()))


def test_first_year_without_welcome_equals_the_rule_read_literally(world):
    user = world.users["referent_a"]
    slsp = world.slsp_a
    with scopes_disabled():
        new = make_household(slsp, start_date=TODAY - 30 * DAY)
        newer = make_household(slsp, start_date=TODAY - 3 * DAY)
        welcomed = make_household(slsp, start_date=TODAY - 20 * DAY)
        _moment(welcomed, user, TODAY, kind=MomentKind.WELCOME)
        phoned = make_household(slsp, start_date=TODAY - 40 * DAY)
        _moment(phoned, user, TODAY)  # not a welcome moment
        make_household(slsp, start_date=TODAY - 800 * DAY)  # long-standing
        gone = make_household(
            slsp, start_date=TODAY - 100 * DAY, end_date=TODAY - 10 * DAY
        )  # left again: no current tenancy
        moved = make_household(slsp, start_date=TODAY - 900 * DAY, end_date=TODAY - 61 * DAY)
        TenancyFactory(slsp=slsp, household=moved, start_date=TODAY - 60 * DAY)
        future = make_household(slsp, start_date=TODAY + 10 * DAY)  # not begun yet
        make_household(world.slsp_b, start_date=TODAY - 10 * DAY)  # other SLSP
        expected = _plain_first_year_without_welcome(slsp.pk)
    assert set(expected) == {new, newer, phoned, moved}
    assert gone not in expected and future not in expected
    with scope(slsp=[slsp.pk]):
        rows = queries.first_year_without_welcome(user)
        assert list(rows) == expected
        assert rows.count() == len(expected)


def _follow_up(household, user, opened_on):
    with scopes_disabled():
        services.record_consent(
            household, user, given_on=opened_on - 5 * DAY, covers_follow_up=True
        )
        return services.open_follow_up(
            household, user, domains=[Domain.HABITER], objective="x", opened_on=opened_on
        )


def test_follow_up_rows_last_moment_and_count_equal_a_plain_count(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        follow_ups = []
        for n in range(4):
            household = make_household(world.slsp_a)
            follow_up = _follow_up(household, user, TODAY - (100 + n) * DAY)
            for k in range(n):
                _moment(household, user, TODAY - (k * 7 + n) * DAY, follow_up=follow_up)
            _moment(household, user, TODAY, follow_up=None)  # outside any follow-up
            follow_ups.append(follow_up)
        expected = {}
        for follow_up in FollowUp.objects.filter(slsp=world.slsp_a):
            dates = [m.date for m in Moment.objects.filter(follow_up=follow_up)]
            expected[follow_up.pk] = (max(dates) if dates else None, len(dates))
    with scope(slsp=[world.slsp_a.pk]):
        rows = queries.follow_up_rows(user).order_by("-opened_on", "-pk")
        assert {r.pk: (r.last_moment, r.moment_count) for r in rows} == expected
        assert rows.count() == len(expected) == 4
        # Sorting by last moment still works (follow-ups without a moment last).
        by_last = list(queries.follow_up_rows(user).order_by("last_moment", "-pk"))
        dated = [r.last_moment for r in by_last if r.last_moment]
        assert dated == sorted(dated) and by_last[-1].moment_count == 0


@pytest.mark.parametrize("ordering", ["", "dernier", "-dernier"])
def test_follow_up_list_queries_do_not_grow_with_rows(client_for, world, ordering):
    user = world.users["referent_a"]
    client = client_for("referent_a")
    url = reverse("accompaniment:follow_ups") + (f"?ordering={ordering}" if ordering else "")

    def add(count):
        with scopes_disabled():
            for _ in range(count):
                household = make_household(world.slsp_a)
                follow_up = _follow_up(household, user, TODAY - 50 * DAY)
                _moment(household, user, TODAY - DAY, follow_up=follow_up)
                _moment(household, user, TODAY, follow_up=follow_up)

    add(1)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200
    add(30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(one)
    html = response.content.decode()
    assert f"{TODAY:%d/%m/%Y}" in html and "(2)" in html
    # The total comes with the page (CountedPaginator): no separate count query.
    assert "31 suivis" in html
    assert not any('AS "__count"' in q["sql"] for q in many.captured_queries)


def test_open_follow_ups_by_slsp_equal_a_plain_count(world):
    user = world.users["referent_a"]
    other = world.users["referent_b"]
    for n, slsp in enumerate((world.slsp_a, world.slsp_a, world.slsp_a, world.slsp_b)):
        with scopes_disabled():
            household = make_household(slsp)
        follow_up = _follow_up(household, user if slsp == world.slsp_a else other, TODAY - DAY)
        if n == 0:
            with scopes_disabled():
                FollowUp.objects.filter(pk=follow_up.pk).update(closed_on=TODAY)
    ids = [world.slsp_a.pk, world.slsp_b.pk]
    with scopes_disabled():
        plain = {}
        for follow_up in FollowUp.objects.all():
            if follow_up.closed_on is None:
                plain[follow_up.slsp_id] = plain.get(follow_up.slsp_id, 0) + 1
    assert plain == {world.slsp_a.pk: 2, world.slsp_b.pk: 1}
    with CaptureQueriesContext(connection) as captured:
        assert queries.active_follow_ups_by_slsp(ids) == plain
    assert len(captured) == 1

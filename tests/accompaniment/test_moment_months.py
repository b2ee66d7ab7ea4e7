"""MomentMonth (moments per SLSP and month, kept by database triggers) always equals a
plain count of the moments, whatever writes them: one by one, in bulk, by a moved
date or SLSP, by deletions (one, many, cascades) and after a rebuild."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Moment, MomentKind, MomentMonth
from tests.slsps.factories import SlspFactory
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 31)
FEB = datetime.date(2026, 2, 1)
MAR = datetime.date(2026, 3, 15)


def summary() -> dict:
    rows = MomentMonth.objects.exclude(count=0).values_list("slsp_id", "month", "count")
    return {(s, m): n for s, m, n in rows}


def plain_count() -> dict:
    with scopes_disabled():
        rows = (
            Moment.objects.annotate(month=TruncMonth("date"))
            .values("slsp_id", "month")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "month", "n")
        )
        return {(s, m): n for s, m, n in rows}


def moment(household, user, day) -> Moment:
    return Moment(
        slsp_id=household.slsp_id, household=household, kind=MomentKind.PHONE, date=day, author=user
    )


def test_summary_follows_every_kind_of_write(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        a = make_household(world.slsp_a)
        a2 = make_household(world.slsp_a)
        b = make_household(world.slsp_b)
        first = moment(a, user, JAN)
        first.save()
        assert summary() == {(world.slsp_a.pk, datetime.date(2026, 1, 1)): 1}
        Moment.objects.bulk_create(
            [moment(a, user, d) for d in (JAN, FEB, FEB, MAR)]
            + [moment(a2, user, MAR), moment(b, user, FEB)]
        )
        services.log_moment(b, user, kind=MomentKind.PHONE, date=MAR, duration_minutes=20)
        assert summary() == plain_count()
        assert summary()[(world.slsp_a.pk, datetime.date(2026, 2, 1))] == 2
        # A corrected date moves the moment to another month.
        first.date = MAR
        first.save()
        Moment.objects.filter(household=a, date=FEB).update(date=JAN)
        assert summary() == plain_count()
        # A moment moved to another SLSP (a data fix) leaves one and reaches the other.
        Moment.objects.filter(household=a2).update(slsp_id=world.slsp_b.pk)
        assert summary() == plain_count()
        first.delete()
        Moment.objects.filter(date=JAN).delete()
        assert summary() == plain_count()
        b.delete()  # cascades to its moments
        assert summary() == plain_count()
        assert summary()


def test_deleting_an_slsp_with_its_moments_leaves_no_summary(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        slsp = SlspFactory(official_name="SLSP supprimée")
        household = make_household(slsp)
        Moment.objects.bulk_create([moment(household, user, d) for d in (JAN, FEB)])
        assert summary() == plain_count() != {}
        slsp.delete()
        assert not MomentMonth.objects.filter(slsp_id=slsp.pk).exists()
        assert summary() == plain_count()


def test_rebuild_recounts_writes_that_bypassed_the_triggers(world):
    user = world.users["referent_a"]
    with scopes_disabled():
        household = make_household(world.slsp_a)
        Moment.objects.bulk_create([moment(household, user, d) for d in (JAN, FEB)])
        # As the scale seed's COPY does on the fast path.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        Moment.objects.bulk_create([moment(household, user, MAR)])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        assert summary() != plain_count()
        services.rebuild_moment_months()
        assert summary() == plain_count()

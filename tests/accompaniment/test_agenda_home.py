"""The home's work list: overdue referrals against the agreement's answer time, next to
the accompaniment's lists (new tenancies, stale follow-ups, works)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from apps.referrals.models import Referral
from apps.referrals.queries import overdue_referrals
from tests.referrals.factories import make_sent_referral, referral_setup

pytestmark = pytest.mark.django_db


def _sent(world, days_ago, response_days=10, name="CPAS d'Arlon"):
    user = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, user, name=name, response_days=response_days)
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return setup, referral


def test_overdue_referrals_follow_the_agreed_answer_time(world, client_for):
    late_setup, late = _sent(world, days_ago=11, response_days=10, name="CPAS d'Arlon")
    _sent(world, days_ago=5, response_days=10, name="CPAS de Namur")
    _sent(world, days_ago=30, response_days=None, name="Sans délai convenu")
    with scope(slsp=[world.slsp_a.pk]):
        assert list(overdue_referrals(world.users["referent_a"])) == [late]
        assert not overdue_referrals(world.users["referent_b"]).exists()
    html = client_for("referent_a").get(reverse("core:home")).content.decode()
    assert "Orientations sans réponse dans le délai convenu" in html
    assert late_setup.household.reference in html
    assert "CPAS d&#x27;Arlon" in html or "CPAS d'Arlon" in html
    assert "CPAS de Namur" not in html
    # Another SLSP sees nothing of it.
    other = client_for("referent_b").get(reverse("core:home")).content.decode()
    assert late_setup.household.reference not in other


def test_home_overdue_referrals_query_count_does_not_grow(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("referent_a")
    counts = []
    for batch in (1, 3):
        for n in range(batch):
            _sent(world, days_ago=20, name=f"Partenaire {batch}-{n}")
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("core:home"))
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts

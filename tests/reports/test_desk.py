"""The coordinator's desk: what needs attention across the SLSPs, each count linking to the
regional table filtered on exactly the SLSPs it counts, in a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accompaniment.models import Moment, MomentKind
from apps.referrals.desk import late_answers
from apps.referrals.models import Referral, ReferralStatus
from apps.reports import desk
from apps.reports.models import ReportStatus, SemesterReport
from apps.slsps.models import ReferentPost
from tests.partners.factories import AgreementFactory
from tests.referrals.factories import make_sent_referral, referral_setup
from tests.slsps.factories import SlspFactory
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _moment(slsp, user, day=TODAY):
    with scopes_disabled():
        Moment.objects.create(
            slsp=slsp,
            household=make_household(slsp),
            kind=MomentKind.WELCOME,
            date=day,
            author=user,
            duration_minutes=30,
        )


def _counts(today=None):
    return {s.key: s.count for s in desk.signals(today)}


def _listed(client, key):
    html = client.get(reverse("reports:region"), {"attention": key}).content.decode()
    return set(re.findall(r'href="/rapports/region/[0-9a-f-]{36}/">([^<]+)</a>', html))


def test_each_signal_counts_slsps_and_links_to_exactly_them(world, client_for):
    user = world.users["referent_a"]
    with scopes_disabled():
        slsp_c = SlspFactory(official_name="SLSP C de test")
        # A: active this semester, report validated, post held, one late answer.
        _moment(world.slsp_a, user)
        p = desk.period()
        SemesterReport.objects.create(
            slsp=world.slsp_a, year=p.due[0], semester=p.due[1], status=ReportStatus.VALIDATED
        )
        # B: nothing this semester but a moment last semester; agreement ending in 10 days.
        _moment(world.slsp_b, world.users["referent_b"], p.semester_start - datetime.timedelta(1))
        AgreementFactory(slsp=world.slsp_b, end_date=TODAY + datetime.timedelta(days=10))
        AgreementFactory(slsp=world.slsp_b, end_date=TODAY + datetime.timedelta(days=400))
        # C: a post without holder (vacant).
        ReferentPost.objects.create(slsp=slsp_c, person=None, start_date=datetime.date(2020, 1, 1))
    setup = referral_setup(world.slsp_a, user, response_days=5)
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=timezone.now() - datetime.timedelta(days=7)
        )
    counts = _counts()
    assert counts == {
        desk.INACTIVE: 2,  # B and C
        desk.REPORT_LATE: 2,  # B and C
        desk.VACANT: 1,  # C
        desk.AGREEMENTS: 1,  # B
        desk.LATE_ANSWERS: 1,  # A
    }
    coordinator = client_for("coordinateur")
    names = {
        "a": world.slsp_a.official_name,
        "b": world.slsp_b.official_name,
        "c": "SLSP C de test",
    }
    assert _listed(coordinator, desk.INACTIVE) == {names["b"], names["c"]}
    assert _listed(coordinator, desk.REPORT_LATE) == {names["b"], names["c"]}
    assert _listed(coordinator, desk.VACANT) == {names["c"]}
    assert _listed(coordinator, desk.AGREEMENTS) == {names["b"]}
    assert _listed(coordinator, desk.LATE_ANSWERS) == {names["a"]}
    # The home page shows each count and its link.
    home = coordinator.get(reverse("core:home")).content.decode()
    assert "À surveiller dans les SLSP" in home
    assert "1 convention(s) se terminent dans les 60 jours." in home
    assert f'href="/rapports/region/?attention={desk.VACANT}"' in home


def test_late_answers_agree_with_referral_is_late(world):
    user = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, user, response_days=3)
    now = timezone.now()
    cases = {
        # (sent days ago, answered days after sending or None): late?
        (10, 3.5): False,  # 3 whole days: within the agreed 3
        (10, 4.0): True,
        (10, None): True,  # waiting for 10 days
        (2, None): False,
        (5, 3.99): False,
    }
    ids = {}
    for (ago, after), _late in cases.items():
        referral = make_sent_referral(setup, user)
        sent = now - datetime.timedelta(days=ago)
        answered = sent + datetime.timedelta(days=after) if after is not None else None
        status = ReferralStatus.ACCEPTED if answered else ReferralStatus.SENT
        with scopes_disabled():
            Referral.objects.filter(pk=referral.pk).update(
                sent_at=sent, answered_at=answered, status=status
            )
        ids[referral.pk] = (ago, after)
    with scopes_disabled():
        late = set(
            late_answers(now - datetime.timedelta(days=30), now).values_list("pk", flat=True)
        )
        for referral in Referral.objects.filter(pk__in=ids).select_related("agreement"):
            assert referral.is_late() == (referral.pk in late) == cases[ids[referral.pk]]


def test_the_report_deadline_is_a_setting(settings):
    settings.REPORTS_VALIDATION_DEADLINE_DAYS = 60
    # 15 August: S1 ended on 30 June, due on 29 August; the last report due is S2 of last year.
    p = desk.period(datetime.date(2026, 8, 15))
    assert p.due == (2025, 2) and p.due_date == datetime.date(2026, 3, 1)
    p = desk.period(datetime.date(2026, 8, 30))
    assert p.due == (2026, 1) and p.due_date == datetime.date(2026, 8, 29)
    settings.REPORTS_VALIDATION_DEADLINE_DAYS = 10
    assert desk.period(datetime.date(2026, 7, 15)).due == (2026, 1)


def _signal_queries():
    with CaptureQueriesContext(connection) as captured:
        desk.signals()
    return len(captured)


def test_constant_query_count_with_one_and_three_slsps(db):
    with scopes_disabled():
        first = SlspFactory()
        ReferentPost.objects.create(slsp=first, person=None, start_date=datetime.date(2020, 1, 1))
    one = _signal_queries()
    with scopes_disabled():
        for _ in range(2):
            slsp = SlspFactory()
            AgreementFactory(slsp=slsp, end_date=TODAY + datetime.timedelta(days=5))
    three = _signal_queries()
    assert one == three == 2


def test_the_desk_is_the_coordinators_only(world, client_for, django_assert_max_num_queries):
    for persona in ("referent_a", "direction_a", "accompagnateur_a", "jury"):
        home = client_for(persona).get(reverse("core:home")).content.decode()
        assert "À surveiller dans les SLSP" not in home, persona
    for persona in ("coordinateur", "admin"):
        client = client_for(persona)
        client.get(reverse("core:home"))
        with django_assert_max_num_queries(20):
            home = client.get(reverse("core:home")).content.decode()
        assert "À surveiller dans les SLSP" in home, persona


def test_an_unknown_attention_value_is_refused_clearly(world, client_for):
    response = client_for("coordinateur").get(reverse("reports:region"), {"attention": "x"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()

"""seed_scale on a tiny scale factor: it runs, it is deterministic, it keeps the rules."""

import datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F, Q
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, FollowUp, Moment, Outcome
from apps.accounts.models import Membership, Role
from apps.calls.models import Assignment, Call, Dossier, Score
from apps.collective.models import ActionSession, CollectiveAction
from apps.core.scale import scaled_counts
from apps.partners.models import Agreement, Partner, SlspPartner
from apps.referrals.models import Referral, ReferralOutcome
from apps.slsps.models import Slsp
from apps.slsps.scale import referent_email, scale_name
from apps.tenants.models import Household, HousingUnit, Member, Tenancy

SCALE = 0.001
TODAY = datetime.date(2026, 11, 2)


def seed(**options):
    call_command("seed_scale", scale=SCALE, quiet=True, today=TODAY.isoformat(), **options)


def fingerprint() -> dict:
    """Counts and the first and last UUIDs of every seeded table."""
    models = [
        Slsp,
        Household,
        HousingUnit,
        Tenancy,
        Member,
        Partner,
        Agreement,
        Consent,
        FollowUp,
        Moment,
        Referral,
        CollectiveAction,
        ActionSession,
        Call,
        Dossier,
        Assignment,
    ]
    with scopes_disabled():
        result = {}
        for model in models:
            qs = model.objects.order_by("uuid").values_list("uuid", flat=True)
            result[model.__name__] = (qs.count(), str(qs.first()), str(qs.last()))
        result["moment_dates"] = sorted(
            Moment.objects.order_by("uuid").values_list("date", flat=True)[:50]
        )
        result["first_household_id"] = Household.objects.order_by("pk").values_list(
            "pk", flat=True
        )[0]
    return result


class Rollback(Exception):
    pass


@pytest.fixture
def seeded(db):
    seed()


@pytest.mark.django_db
def test_runs_and_is_deterministic():
    prints = []
    for _ in range(2):
        try:
            with transaction.atomic():
                seed()
                prints.append(fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert prints[0] == prints[1]
    counts = scaled_counts(SCALE)
    first = prints[0]
    assert first["Slsp"][0] == 68
    assert first["Household"][0] == counts["households"] == 100
    assert first["FollowUp"][0] == counts["follow_ups"] == 30
    assert first["Moment"][0] == counts["moments"] == 1000
    assert first["Referral"][0] == counts["referrals"] == 40
    assert first["CollectiveAction"][0] == counts["collective_actions"] == 3
    assert first["Call"][0] == 10
    assert first["Dossier"][0] == 600
    assert first["Assignment"][0] == 10 * 60 * 7


@pytest.mark.django_db
def test_a_different_seed_gives_different_rows():
    prints = []
    for value in (1, 2):
        try:
            with transaction.atomic():
                seed(seed=value)
                prints.append(fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert prints[0]["Household"][0] == prints[1]["Household"][0]
    assert prints[0]["Household"][1] != prints[1]["Household"][1]


def test_every_follow_up_rests_on_a_valid_consent_of_its_household(seeded):
    with scopes_disabled():
        follow_ups = FollowUp.objects.select_related("consent")
        assert follow_ups.count() == 30
        for follow_up in follow_ups:
            consent = follow_up.consent
            assert consent.household_id == follow_up.household_id
            assert consent.slsp_id == follow_up.slsp_id
            assert consent.covers_follow_up
            assert Consent.objects.filter(pk=consent.pk).active_on(follow_up.opened_on).exists()
            if consent.withdrawn_on:
                # A withdrawal closes the follow-up that very day.
                assert follow_up.closed_on == consent.withdrawn_on
                assert follow_up.outcome == Outcome.CONSENT_WITHDRAWN
            if follow_up.closed_on:
                assert follow_up.opened_on <= follow_up.closed_on <= TODAY
                assert follow_up.outcome
            else:
                assert follow_up.outcome == ""


def test_moments_stay_within_their_household_slsp_and_follow_up(seeded):
    with scopes_disabled():
        assert not Moment.objects.exclude(slsp_id=F("household__slsp_id")).exists()
        assert not Moment.objects.filter(date__gt=TODAY).exists()
        assert not Moment.objects.filter(date__lt=TODAY - datetime.timedelta(days=5 * 365)).exists()
        within = Moment.objects.filter(follow_up__isnull=False)
        assert within.exists()
        assert not within.exclude(household_id=F("follow_up__household_id")).exists()
        assert not within.filter(date__lt=F("follow_up__opened_on")).exists()
        assert not within.filter(date__gt=F("follow_up__closed_on")).exists()
        # Authors are the référents of the moment's SLSP.
        referents = set(
            Membership.objects.filter(role=Role.REFERENT).values_list("user_id", "slsp_id")
        )
        assert set(Moment.objects.values_list("author_id", "slsp_id").distinct()) <= referents


def test_referrals_follow_consent_and_sharing_agreement(seeded):
    with scopes_disabled():
        referrals = Referral.objects.select_related("follow_up__consent", "agreement")
        assert referrals.count() == 40
        for referral in referrals:
            follow_up = referral.follow_up
            proposed = referral.proposed_at.date()
            assert referral.household_id == follow_up.household_id
            assert follow_up.opened_on <= proposed <= (follow_up.closed_on or TODAY)
            # The household consented to sharing with this very partner on that day.
            assert (
                Consent.objects.filter(
                    household_id=follow_up.household_id, share_with=referral.partner
                )
                .active_on(proposed)
                .exists()
            )
            agreement = referral.agreement
            assert agreement.partner_id == referral.partner_id
            assert agreement.slsp_id == referral.slsp_id
            assert agreement.shares_data
            assert agreement.start_date <= proposed <= agreement.end_date
            assert (referral.status == "closed") == bool(referral.outcome)
            if follow_up.consent.withdrawn_on:
                assert referral.status in ("closed", "refused")
                if referral.outcome == ReferralOutcome.CONSENT_WITHDRAWN:
                    assert referral.sharing_stopped_at is not None
            # Its history starts with the proposal and ends on its status.
            events = list(referral.events.order_by("at", "pk"))
            assert events[0].to_status == "proposed"
            assert events[-1].to_status == referral.status


def test_tenancies_members_and_networks_stay_in_one_slsp(seeded):
    with scopes_disabled():
        assert not Tenancy.objects.exclude(slsp_id=F("household__slsp_id")).exists()
        assert not Tenancy.objects.exclude(slsp_id=F("unit__slsp_id")).exists()
        assert not Member.objects.exclude(slsp_id=F("household__slsp_id")).exists()
        assert not Household.objects.filter(members__isnull=True).exists()
        assert not Household.objects.filter(tenancies__isnull=True).exists()
        assert not Tenancy.objects.filter(end_date__lt=F("start_date")).exists()
        # Two référents per SLSP, each with an account that can sign in.
        for slsp in Slsp.objects.filter(official_name__startswith="SLSP d'échelle"):
            assert Membership.objects.filter(slsp=slsp, role=Role.REFERENT).count() == 2
        assert SlspPartner.objects.count() >= 68 * 8
        assert not ActionSession.objects.exclude(slsp_id=F("action__slsp_id")).exists()
        assert not ActionSession.objects.filter(tenants__gt=F("participants")).exists()
        # Submitted reviews have a score for every criterion of the call.
        submitted = Assignment.objects.filter(status=Assignment.Status.SUBMITTED)
        assert Score.objects.filter(assignment__in=submitted).count() == submitted.count() * 5


def test_later_inserts_get_fresh_ids(seeded):
    """Rows came with their ids: the sequences were moved past them."""
    with scopes_disabled():
        slsp = Slsp.objects.get(official_name=scale_name(1))
        household = Household.objects.create(slsp=slsp, reference="APRES-SEED")
        assert household.pk > Household.objects.exclude(pk=household.pk).order_by("-pk")[0].pk


def test_history_holds_an_insert_event_per_tracked_row(seeded):
    event_models = [m for m in apps.get_models() if getattr(m, "pgh_tracked_model", None)]
    if not event_models:
        pytest.skip("no trigger-based history installed")
    with scopes_disabled():
        for event_model in event_models:
            tracked = event_model.pgh_tracked_model
            rows = tracked.objects.model._base_manager.count()
            events = event_model.objects.filter(pgh_label="insert").count()
            assert events >= rows, event_model.__name__
    # The triggers are back on for what follows the seed.
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def test_a_seeded_referent_signs_in_and_sees_only_their_slsp(seeded, client):
    client.post(
        "/comptes/connexion/",
        {"username": referent_email(1, 1), "password": "demo-slsp-2026"},
    )
    response = client.get("/menages/")
    assert response.status_code == 200
    with scopes_disabled():
        own = Household.objects.filter(slsp__official_name=scale_name(1)).first()
        other = Household.objects.filter(slsp__official_name=scale_name(2)).first()
    assert own.reference in response.content.decode()
    assert client.get(f"/menages/{other.uuid}/").status_code == 404


def test_refuses_a_second_run_and_a_non_scale_database(seeded, monkeypatch):
    with pytest.raises(CommandError):
        seed()
    seed(if_empty=True)  # a no-op
    monkeypatch.setitem(connection.settings_dict, "NAME", "slsp_referent")
    with pytest.raises(CommandError, match="slsp_scale"):
        seed()


def test_households_have_no_future_tenancy_and_categories_vary(seeded):
    with scopes_disabled():
        assert not Tenancy.objects.filter(start_date__gt=TODAY).exists()
        assert Tenancy.objects.values("category").distinct().count() > 1
        assert Tenancy.objects.filter(Q(end_date__isnull=False)).exists()


def test_monthly_moment_summary_equals_the_seeded_moments(seeded):
    # The COPY skips triggers on the fast path: the seed recounts MomentMonth itself.
    from tests.accompaniment.test_moment_months import plain_count, summary

    assert summary() == plain_count()
    assert sum(summary().values()) == scaled_counts(SCALE)["moments"]


def test_latest_tenancies_equal_the_seeded_tenancies(seeded):
    # The COPY skips triggers on the fast path: the seed fills LastTenancy itself.
    from tests.tenants.test_last_tenancy import expected, stored

    assert stored() == expected()
    assert len(stored()) == scaled_counts(SCALE)["households"]

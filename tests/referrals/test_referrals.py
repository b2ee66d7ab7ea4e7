"""Referral workflow: consent and agreement checks, legal and illegal transitions,
response time against the agreement, and consent withdrawal reaching every referral."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.referrals import services as referrals
from apps.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralLink,
    ReferralOutcome,
    ReferralStatus,
)
from apps.referrals.queries import network_of, partner_referral_stats
from tests.partners.factories import AgreementFactory
from tests.referrals.factories import (
    make_network_partner,
    make_referral,
    make_sent_referral,
    referral_setup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(world):
    return world.users["referent_a"]


def test_refused_without_consent_to_share_with_that_partner(world, user):
    setup = referral_setup(world.slsp_a, user, share=False)
    with scopes_disabled(), pytest.raises(ValidationError, match="consentement au partage"):
        make_referral(setup, user)
    with scopes_disabled():
        assert not Referral.objects.exists()


def test_refused_without_agreement_with_a_sharing_clause(world, user):
    setup = referral_setup(world.slsp_a, user, sharing=False)
    with scopes_disabled(), pytest.raises(ValidationError, match="partage de données"):
        make_referral(setup, user)
    with scopes_disabled():
        assert not Referral.objects.exists()


def test_refused_with_an_expired_agreement_or_consent(world, user):
    setup = referral_setup(world.slsp_a, user)
    with scopes_disabled():
        setup.agreement.end_date = timezone.localdate() - datetime.timedelta(days=1)
        setup.agreement.start_date = setup.agreement.end_date - datetime.timedelta(days=300)
        setup.agreement.save()
    with scopes_disabled(), pytest.raises(ValidationError, match="Aucune convention"):
        make_referral(setup, user)
    # An agreement of another SLSP with the same partner does not cover this one.
    with scopes_disabled():
        AgreementFactory(slsp=world.slsp_b, partner=setup.partner, shares_data=True)
    with scopes_disabled(), pytest.raises(ValidationError, match="Aucune convention"):
        make_referral(setup, user)


def test_refused_from_a_closed_follow_up(world, user):
    setup = referral_setup(world.slsp_a, user)
    with scopes_disabled():
        services.close_follow_up(setup.follow_up, outcome="stabilise")
        with pytest.raises(ValidationError, match="clôturé"):
            make_referral(setup, user)


def test_full_workflow_records_every_date_and_change(world, user):
    setup = referral_setup(world.slsp_a, user, response_days=10)
    referral = make_referral(setup, user)
    assert referral.status == ReferralStatus.PROPOSED
    assert referral.agreement == setup.agreement
    with scopes_disabled():
        referral = referrals.send_referral(
            referral,
            user,
            recipient_email=referrals.default_recipient(referral),
            base_url="http://testserver/",
        )
        assert referral.recipient_email.startswith("accueil.")
        referral = referrals.transition(referral, ReferralStatus.ACCEPTED, user=user)
        referral = referrals.transition(referral, ReferralStatus.IN_PROGRESS, user=user)
        referral = referrals.transition(
            referral, ReferralStatus.CLOSED, user=user, outcome=ReferralOutcome.REACHED
        )
        referral.refresh_from_db()
        assert referral.sent_at and referral.answered_at and referral.started_at
        assert referral.closed_at >= referral.answered_at >= referral.sent_at
        assert referral.outcome == ReferralOutcome.REACHED
        history = list(
            ReferralEvent.objects.filter(referral=referral).values_list("from_status", "to_status")
        )
    assert history == [
        ("", "proposed"),
        ("proposed", "sent"),
        ("sent", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "closed"),
    ]
    assert referral.response_days() == 0
    assert referral.agreed_days() == 10
    assert referral.is_late() is False


@pytest.mark.parametrize(
    "path",
    [
        [ReferralStatus.ACCEPTED],  # never sent
        [ReferralStatus.CLOSED],
        [ReferralStatus.SENT, ReferralStatus.IN_PROGRESS],  # not accepted
        [ReferralStatus.SENT, ReferralStatus.CLOSED],
        [ReferralStatus.SENT, ReferralStatus.REFUSED, ReferralStatus.ACCEPTED],
        [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.CLOSED],  # skips in progress
        [ReferralStatus.SENT, ReferralStatus.SENT],
        ["nonsense"],
    ],
)
def test_illegal_transitions_are_refused(world, user, path):
    setup = referral_setup(world.slsp_a, user)
    referral = make_referral(setup, user)
    with scopes_disabled():
        for step in path[:-1]:
            referral = referrals.transition(referral, step, user=user)
        before = ReferralEvent.objects.count()
        with pytest.raises(ValidationError):
            referrals.transition(referral, path[-1], user=user, outcome=ReferralOutcome.REACHED)
        assert ReferralEvent.objects.count() == before
        referral.refresh_from_db()
        assert referral.status == (path[-2] if len(path) > 1 else ReferralStatus.PROPOSED)


def test_closing_needs_an_outcome(world, user):
    setup = referral_setup(world.slsp_a, user)
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        referral = referrals.transition(referral, ReferralStatus.ACCEPTED, user=user)
        referral = referrals.transition(referral, ReferralStatus.IN_PROGRESS, user=user)
        for bad in ("", "inconnu", ReferralOutcome.CONSENT_WITHDRAWN):
            with pytest.raises(ValidationError, match="résultat"):
                referrals.transition(referral, ReferralStatus.CLOSED, user=user, outcome=bad)
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.IN_PROGRESS


def test_response_time_compared_with_the_agreed_one(world, user):
    setup = referral_setup(world.slsp_a, user, response_days=5)
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=timezone.now() - datetime.timedelta(days=8)
        )
        referral.refresh_from_db()
        assert referral.response_days() == 8  # still waiting
        assert referral.is_late() is True
        referral = referrals.transition(referral, ReferralStatus.ACCEPTED, user=user)
        referral.refresh_from_db()
        assert referral.response_days() == 8
        assert referral.is_late() is True
        assert partner_referral_stats(user, setup.partner).median == 8.0


def test_sending_checks_consent_again(world, user):
    setup = referral_setup(world.slsp_a, user)
    referral = make_referral(setup, user)
    with scopes_disabled():
        setup.consent.share_with.clear()
        with pytest.raises(ValidationError, match="consentement"):
            referrals.send_referral(
                referral,
                user,
                recipient_email=referrals.default_recipient(referral),
                base_url="http://testserver/",
            )
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.PROPOSED
        assert not ReferralLink.objects.exists()


def test_withdrawal_stops_every_open_referral_of_the_household(world, user):
    """Two partners, four referrals in every open status and one already closed: the
    withdrawal closes every open one, stops its sharing and revokes its links."""
    setup = referral_setup(world.slsp_a, user)
    other_partner, _agreement = make_network_partner(world.slsp_a, name="Service de santé mentale")
    with scopes_disabled():
        setup.consent.share_with.add(other_partner)
        proposed = make_referral(setup, user)
        sent = make_sent_referral(setup, user)
        accepted = referrals.transition(make_sent_referral(setup, user), "accepted", user=user)
        in_progress = referrals.transition(
            referrals.transition(make_sent_referral(setup, user), "accepted", user=user),
            "in_progress",
            user=user,
        )
        done = referrals.transition(in_progress, "closed", user=user, outcome="partiel")
        in_progress = referrals.transition(
            referrals.transition(make_sent_referral(setup, user), "accepted", user=user),
            "in_progress",
            user=user,
        )
        # Another household's referral is not touched.
        other = referral_setup(world.slsp_a, user, name="CPAS voisin")
        untouched = make_sent_referral(other, user)

        services.withdraw_consent(setup.consent, user=user)

        for referral in (proposed, sent, accepted, in_progress):
            referral.refresh_from_db()
            assert referral.status == ReferralStatus.CLOSED
            assert referral.outcome == ReferralOutcome.CONSENT_WITHDRAWN
            assert referral.sharing_stopped_at is not None
            assert not referral.sharing
            last = referral.events.order_by("-at", "-pk").first()
            assert last.to_status == "closed" and last.by_user == user
            assert "Consentement retiré" in last.note
        assert not ReferralLink.objects.filter(
            referral__household=setup.household, revoked_at__isnull=True, used_at__isnull=True
        ).exists()
        done.refresh_from_db()
        assert done.outcome == "partiel" and done.sharing_stopped_at is None
        untouched.refresh_from_db()
        assert untouched.status == ReferralStatus.SENT and untouched.sharing
        # Nothing moves a stopped referral any more.
        with pytest.raises(ValidationError):
            referrals.transition(sent, ReferralStatus.ACCEPTED, user=user)


def test_withdrawal_keeps_referrals_another_consent_still_covers(world, user):
    setup = referral_setup(world.slsp_a, user)
    with scopes_disabled():
        referral = make_sent_referral(setup, user)
        # A later, separate sharing-only consent to the same partner.
        sharing_only = services.record_consent(
            setup.household,
            user,
            given_on=timezone.localdate(),
            covers_follow_up=False,
            share_with=[setup.partner],
        )
        services.withdraw_consent(sharing_only, user=user)
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT and referral.sharing


def test_network_statistics(world, user):
    setup = referral_setup(world.slsp_a, user, type="cpas")
    with scopes_disabled():
        referrals.transition(make_sent_referral(setup, user), "accepted", user=user)
        referrals.transition(make_sent_referral(setup, user), "refused", user=user)
        make_sent_referral(setup, user)
        make_referral(setup, user)
        data = network_of(world.slsp_a)
    assert data["partner_count"] == 1
    (group,) = data["groups"]
    assert group.type_label == "CPAS"
    (row,) = group.rows
    assert row.stats.total == 4
    assert row.stats.answered == 2
    assert row.stats.acceptance_rate == 50
    assert row.stats.median == 0.0
    assert row.agreement_label == "En cours" and row.shares_data and row.response_days == 10
    # The coordinator's version hides counts from 1 to 4 and rates on fewer than 5 answers.
    with scopes_disabled():
        hidden = network_of(world.slsp_a, suppress=True)
    row = hidden["groups"][0].rows[0]
    assert row.stats.display["total"] == "<5"
    assert row.stats.display["accepted_ever"] == "<5"
    assert row.stats.acceptance_rate is None


def test_merging_duplicate_partners_keeps_referrals(world, user):
    from apps.partners.services import merge_partners

    setup = referral_setup(world.slsp_a, user, name="CPAS de Namur")
    duplicate = setup.partner
    keep, _ = make_network_partner(world.slsp_a, name="C.P.A.S. Namur")
    referral = make_sent_referral(setup, user)
    with scopes_disabled():
        record = merge_partners(keep, duplicate, user=world.users["coordinateur"])
        referral.refresh_from_db()
    assert referral.partner == keep
    assert record.moved.get("referrals.referral.partner") == 1


def test_regional_metric_counts_referrals_per_slsp(world, user):
    from apps.core.registry import registry
    from apps.referrals.queries import referrals_this_semester_by_slsp

    setup = referral_setup(world.slsp_a, user)
    make_referral(setup, user)
    make_sent_referral(setup, user)
    metric = next(m for m in registry.metrics if m.key == "orientations")
    assert metric.about_people
    assert referrals_this_semester_by_slsp([world.slsp_a.pk, world.slsp_b.pk]) == {
        world.slsp_a.pk: 2
    }


def test_grouped_network_statistics_equal_the_sql_aggregates(world, user):
    """network_of's statistics per partner, per type and overall come from one grouped
    query; the medians it combines in Python equal percentile_cont's, even and odd."""
    from django.db.models import F

    from apps.referrals.queries import _grouped_stats, _stats_aggregates

    setups = [
        referral_setup(world.slsp_a, user, type="cpas"),
        referral_setup(world.slsp_a, user, type="cpas"),
        referral_setup(world.slsp_a, user, type="ais"),
    ]
    hours = iter([1, 7, 30, 31, 50, 5, 13, 100, 2])
    with scopes_disabled():
        for setup, answered in zip(setups, (4, 3, 2), strict=True):
            for _ in range(answered):
                referral = make_sent_referral(setup, user)
                referrals.transition(referral, "accepted", user=user)
                Referral.objects.filter(pk=referral.pk).update(
                    answered_at=F("sent_at") + datetime.timedelta(hours=next(hours))
                )
            make_referral(setup, user)  # never answered
        referrals.transition(make_sent_referral(setups[2], user), "refused", user=user)
        referrals_qs = Referral.objects.filter(slsp=world.slsp_a)
        per_partner, per_type, overall = _grouped_stats(referrals_qs)
        aggregates = _stats_aggregates()
        expected_partner = {
            row.pop("partner_id"): row
            for row in referrals_qs.values("partner_id").annotate(**aggregates).order_by()
        }
        expected_type = {
            row.pop("partner__type"): row
            for row in referrals_qs.values("partner__type").annotate(**aggregates).order_by()
        }
        expected_overall = referrals_qs.aggregate(**aggregates)
        _, _, empty = _grouped_stats(Referral.objects.filter(slsp=world.slsp_b))
    assert per_partner == expected_partner
    assert per_type == expected_type and set(per_type) == {"cpas", "ais"}
    assert overall == expected_overall
    assert overall["answered"] == 10 and overall["median_days"] is not None
    assert empty["total"] == 0 and empty["median_days"] is None

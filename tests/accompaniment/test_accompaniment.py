import datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.models import Consent, Domain, FollowUp, Moment, MomentKind, Outcome
from apps.accompaniment.queries import sharing_allowed
from tests.partners.factories import PartnerFactory
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a)


def in_scope(world):
    return scope(slsp=[world.slsp_a.pk])


def test_no_follow_up_without_consent(world, household):
    with in_scope(world):
        with pytest.raises(ValidationError, match="Aucun consentement valable"):
            services.open_follow_up(
                household, world.users["referent_a"], domains=[Domain.IMPAYES], objective="x"
            )
        assert not FollowUp.objects.exists()


def test_expired_or_sharing_only_consent_does_not_allow_a_follow_up(world, household):
    user = world.users["referent_a"]
    with in_scope(world):
        services.record_consent(
            household,
            user,
            given_on=TODAY - datetime.timedelta(days=400),
            covers_follow_up=True,
            expires_on=TODAY - datetime.timedelta(days=1),
        )
        services.record_consent(household, user, given_on=TODAY, covers_follow_up=False)
        with pytest.raises(ValidationError):
            services.open_follow_up(household, user, domains=[Domain.HABITER], objective="x")


def test_withdrawal_closes_follow_ups_and_stops_sharing(world, household):
    user = world.users["referent_a"]
    with scopes_disabled():
        cpas = PartnerFactory(name="CPAS de Namur")
    with in_scope(world):
        consent = services.record_consent(
            household, user, given_on=TODAY, covers_follow_up=True, share_with=[cpas]
        )
        follow_up = services.open_follow_up(
            household, user, domains=[Domain.IMPAYES], objective="Plan d'apurement"
        )
        assert sharing_allowed(household, cpas)
        services.withdraw_consent(consent)
        follow_up.refresh_from_db()
        assert follow_up.closed_on == TODAY and follow_up.outcome == Outcome.CONSENT_WITHDRAWN
        assert not sharing_allowed(household, cpas)


def test_moment_in_the_future_or_of_another_household_is_refused(world, household):
    user = world.users["referent_a"]
    with scopes_disabled():
        other = make_household(world.slsp_a)
    with in_scope(world):
        services.record_consent(other, user, given_on=TODAY, covers_follow_up=True)
        foreign = services.open_follow_up(other, user, domains=[Domain.ACCUEIL], objective="x")
        with pytest.raises(ValidationError, match="futur"):
            services.log_moment(
                household,
                user,
                kind=MomentKind.PHONE,
                date=TODAY + datetime.timedelta(days=1),
                duration_minutes=10,
            )
        with pytest.raises(ValidationError, match="autre ménage"):
            services.log_moment(
                household,
                user,
                kind=MomentKind.PHONE,
                date=TODAY,
                duration_minutes=10,
                follow_up=foreign,
            )
        assert not Moment.objects.filter(household=household).exists()


def test_household_page_flow_through_the_views(client_for, world, household):
    client = client_for("referent_a")
    page = reverse("tenants:household", kwargs={"uuid": household.uuid})
    # Without consent, opening a follow-up is refused with a French message.
    response = client.post(
        reverse("accompaniment:follow_up_create", kwargs={"uuid": household.uuid}),
        {"followup-domains": ["impayes"], "followup-objective": "Plan"},
        follow=True,
    )
    assert "Aucun consentement valable" in response.content.decode()
    client.post(
        reverse("accompaniment:consent_create", kwargs={"uuid": household.uuid}),
        {"consent-given_on": TODAY.isoformat(), "consent-covers_follow_up": "on"},
    )
    client.post(
        reverse("accompaniment:follow_up_create", kwargs={"uuid": household.uuid}),
        {"followup-domains": ["impayes"], "followup-objective": "Plan d'apurement"},
    )
    for kind in ("entretien_impayes", "telephone", "plan_apurement"):
        response = client.post(
            reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid}),
            {
                "moment-kind": kind,
                "moment-date": TODAY.isoformat(),
                "moment-duration_minutes": "20",
                "moment-follow_up": FollowUp.objects.with_scopes_disabled().get().pk,
            },
        )
        assert response["Location"] == page
    html = client.get(page).content.decode()
    assert unescape(html).count("Plan d'apurement") >= 3
    with scopes_disabled():
        assert Moment.objects.filter(follow_up__isnull=False).count() == 3


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "accompaniment:moment_create",
            {"moment-kind": "fête", "moment-date": "demain", "moment-duration_minutes": "-5"},
            "Sélectionnez un choix valide",
        ),
        (
            "accompaniment:consent_create",
            {"consent-given_on": "31/02/2025"},
            "Saisissez une date valide",
        ),
        ("accompaniment:follow_up_create", {"followup-objective": ""}, "Ce champ est obligatoire"),
    ],
)
def test_bad_input_gives_a_french_message_and_saves_nothing(
    client_for, world, household, name, data, message
):
    response = client_for("referent_a").post(
        reverse(name, kwargs={"uuid": household.uuid}), data, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    with scopes_disabled():
        assert not (
            Consent.objects.exists() or FollowUp.objects.exists() or Moment.objects.exists()
        )


def test_direction_reads_but_does_not_act(client_for, world, household):
    html = (
        client_for("direction_a")
        .get(reverse("tenants:household", kwargs={"uuid": household.uuid}))
        .content.decode()
    )
    assert "Noter le moment" not in html
    response = client_for("direction_a").post(
        reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid}), {}
    )
    assert response.status_code == 404


def test_household_page_query_count_does_not_grow_with_moments(client_for, world, household):
    user = world.users["referent_a"]
    client = client_for("referent_a")
    url = reverse("tenants:household", kwargs={"uuid": household.uuid})
    with in_scope(world):
        services.record_consent(household, user, given_on=TODAY, covers_follow_up=True)
        follow_up = services.open_follow_up(
            household, user, domains=[Domain.VOISINAGE], objective="Apaiser"
        )
    counts = []
    for batch in (1, 2, 47):
        with in_scope(world):
            for _ in range(batch):
                services.log_moment(
                    household,
                    user,
                    kind=MomentKind.HOME_VISIT,
                    date=TODAY,
                    duration_minutes=30,
                    follow_up=follow_up,
                )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert len(set(counts)) == 1, counts

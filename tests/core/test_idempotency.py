"""Two quick POSTs of one form display (a double click, a resend) record once: the
second is sent where the first went, without running the view again. Real Redis."""

import datetime
import re
import threading
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, FollowUp, Moment
from apps.collective.models import ActionSession
from apps.core import idempotency
from apps.referrals.models import Referral
from tests.collective.test_collective import make_action
from tests.referrals.factories import referral_setup
from tests.tenants.factories import make_household

TODAY = datetime.date.today()


def token() -> str:
    return idempotency.new_token()


def scenarios(world):
    """(url, posted data, count of records) for each kind the issue names."""
    user = world.users["referent_a"]
    with scopes_disabled():
        household = make_household(world.slsp_a)
        setup = referral_setup(world.slsp_a, user, name="CPAS de Namur")
    action = make_action(world)
    hh = {"uuid": household.uuid}
    return {
        "consent": (
            reverse("accompaniment:consent_create", kwargs=hh),
            {"consent-given_on": TODAY.isoformat(), "consent-covers_follow_up": "on"},
            lambda: Consent.objects.filter(household=household).count(),
        ),
        "follow_up": (
            reverse("accompaniment:follow_up_create", kwargs={"uuid": setup.household.uuid}),
            {"followup-domains": ["habiter"], "followup-objective": "Logement adapté"},
            lambda: FollowUp.objects.filter(household=setup.household).count(),
        ),
        "moment": (
            reverse("accompaniment:moment_create", kwargs={"uuid": setup.household.uuid}),
            {
                "moment-kind": "telephone",
                "moment-date": TODAY.isoformat(),
                "moment-duration_minutes": "20",
            },
            lambda: Moment.objects.filter(household=setup.household).count(),
        ),
        "referral": (
            reverse("referrals:referral_create", kwargs={"uuid": setup.follow_up.uuid}),
            {"partner": setup.partner.pk, "reason": "Plan d'apurement", "shared_data": ["adresse"]},
            lambda: Referral.objects.count(),
        ),
        "session": (
            reverse("collective:session_add", kwargs={"uuid": action.uuid}),
            {"date": TODAY.isoformat(), "participants": "14", "tenants": "12", "volunteers": "2"},
            lambda: ActionSession.objects.filter(action=action).count(),
        ),
    }


KINDS = ["consent", "follow_up", "moment", "referral", "session"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_two_quick_posts_of_one_form_create_one_record(world, kind):
    url, data, count = scenarios(world)[kind]
    with scopes_disabled():
        before = count()
    client = world.client_for("referent_a")
    posted = data | {idempotency.FIELD: token()}
    first = client.post(url, posted)
    second = client.post(url, posted)
    assert first.status_code == 302, unescape(first.content.decode())[:2000]
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    with scopes_disabled():
        assert count() == before + 1
    page = client.get(second["Location"]).content.decode()
    assert "déjà été envoyé" in unescape(page)
    # A new display of the form (a new token) records again: only repeats are refused.
    client.post(url, data | {idempotency.FIELD: token()})
    with scopes_disabled():
        assert count() in (before + 1, before + 2)  # a 2nd consent/session may be refused


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_can_be_corrected_and_sent(world):
    url, data, count = scenarios(world)["session"]
    client = world.client_for("referent_a")
    same = token()
    bad = client.post(url, data | {"participants": "-3", idempotency.FIELD: same})
    assert bad.status_code == 200
    good = client.post(url, data | {idempotency.FIELD: same})
    assert good.status_code == 302
    with scopes_disabled():
        assert count() == 1


@pytest.mark.django_db
def test_a_token_is_personal(world):
    url, data, count = scenarios(world)["session"]
    same = token()
    assert (
        world.client_for("referent_a").post(url, data | {idempotency.FIELD: same}).status_code
        == 302
    )
    # Another person posting the same token is not answered with the first one's redirect.
    other = world.client_for("accompagnateur_a").post(url, data | {idempotency.FIELD: same})
    assert other.status_code == 302
    with scopes_disabled():
        assert count() == 2


@pytest.mark.django_db
def test_every_post_form_carries_a_token(world):
    with scopes_disabled():
        household = make_household(world.slsp_a)
    page = world.client_for("referent_a").get(
        reverse("tenants:household", kwargs={"uuid": household.uuid})
    )
    html = page.content.decode()
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.S | re.I)
    assert forms
    for form in forms:
        assert f'name="{idempotency.FIELD}"' in form, form[:300]
    tokens = re.findall(rf'name="{idempotency.FIELD}" value="([^"]+)"', html)
    assert len(set(tokens)) == len(tokens)


def test_every_template_with_a_csrf_token_has_a_form_token():
    from pathlib import Path

    from django.conf import settings

    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = path.read_text()
        assert text.count("{% csrf_token %}") == text.count("{% form_token %}"), path


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS)
def test_two_concurrent_posts_create_one_record(world, kind):
    url, data, count = scenarios(world)[kind]
    with scopes_disabled():
        before = count()
    posted = data | {idempotency.FIELD: token()}
    user = world.users["referent_a"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, posted).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 302]
    with scopes_disabled():
        assert count() == before + 1

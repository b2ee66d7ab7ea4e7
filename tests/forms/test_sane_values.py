"""Through the pages: absurd dates on moments, consents, follow-ups (relocation) and
agreements, and texts longer than announced, are refused in French with what was typed
kept and nothing saved."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, Moment
from apps.partners.models import Agreement
from apps.slsps.models import ActionStrategy
from tests.slsps.test_strategy import _item, _post_data
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a)


@pytest.mark.parametrize("absurd", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_an_absurd_moment_or_consent_date_is_refused(world, household, absurd):
    client = world.client_for("referent_a")
    hh = {"uuid": household.uuid}
    consent = client.post(
        reverse("accompaniment:consent_create", kwargs=hh),
        {"consent-given_on": absurd, "consent-covers_follow_up": "on"},
        follow=True,
    )
    moment = client.post(
        reverse("accompaniment:moment_create", kwargs=hh),
        {
            "moment-kind": "telephone",
            "moment-date": absurd,
            "moment-duration_minutes": "20",
            "moment-note": "Appel",
        },
        follow=True,
    )
    for response in (consent, moment):
        html = unescape(response.content.decode())
        assert "1900" in html or "futur" in html, html[-3000:]
    with scopes_disabled():
        assert not Consent.objects.filter(household=household).exists()
        assert not Moment.objects.filter(household=household).exists()


def test_a_moment_before_the_first_tenancy_is_refused(world, household):
    from apps.accompaniment import services

    with scopes_disabled():
        start = household.tenancies.order_by("start_date").first().start_date
        with pytest.raises(Exception, match="locataire que depuis"):
            services.log_moment(
                household,
                world.users["referent_a"],
                kind="telephone",
                date=start - datetime.timedelta(days=1),
                duration_minutes=10,
            )


def test_an_agreement_ending_in_9999_is_refused(world):
    from tests.partners.factories import AgreementFactory

    with scopes_disabled():
        agreement = AgreementFactory(slsp=world.slsp_a)
    url = reverse("partners:agreement_edit", kwargs={"uuid": agreement.uuid})
    client = world.client_for("referent_a")
    from tests.forms.htmlform import form_data

    data = form_data(client.get(url).content.decode(), "purpose")
    data.pop("form_token", None)
    response = client.post(url, data | {"end_date": ["9999-12-31"]})
    assert response.status_code == 200
    assert "Date trop lointaine" in unescape(response.content.decode())
    with scopes_disabled():
        assert Agreement.objects.get(pk=agreement.pk).end_date.year < 9999


def test_a_strategy_summary_longer_than_announced_is_refused(world):
    client = world.client_for("referent_a")
    url = reverse("slsps:strategy_create", kwargs={"uuid": world.slsp_a.uuid})
    long = "é" * 5001
    response = client.post(url, _post_data(summary=long, items=[_item(description="x" * 2001)]))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "5000" in html.replace("\u202f", "").replace(" ", "") or "5 000" in html
    assert long in html  # what was typed stays
    with scopes_disabled():
        assert not ActionStrategy.objects.exists()

"""A form sent after the session expired is kept for its author and given back, on the
page it was on, after signing in again (password and second factor); never a 405. The
idle warning's "stay signed in" button, and its refusal once the session has expired."""

import datetime
import json
import re
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from apps.accompaniment.models import Moment
from apps.core import resume
from tests.accounts.factories import PASSWORD
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client: Client, login_url: str, user, device: TOTPDevice):
    """Password then code, as a person does on the login page the redirect led to."""
    step = client.post(login_url, {"username": user.email, "password": PASSWORD})
    assert step["Location"] == reverse("accounts:login_otp"), step
    return client.post(reverse("accounts:login_otp"), {"otp_token": code(device)})


MOMENT_TEXT = "Appel de Mme au sujet du plan d'apurement, rappel prévu lundi"


def expired_post(world, household, traveller):
    """The référent opens the household page, types a moment, leaves for lunch, sends."""
    user = world.users["referent_a"]
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    client = Client()
    client.force_login(user)
    page = reverse("tenants:household", kwargs={"uuid": household.uuid})
    assert client.get(page).status_code == 200
    traveller.shift(settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.post(
        reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid}),
        {
            "moment-kind": "telephone",
            "moment-date": TODAY.isoformat(),
            "moment-duration_minutes": "25",
            "moment-note": MOMENT_TEXT,
            "csrfmiddlewaretoken": "x",
        },
        HTTP_REFERER=f"http://testserver{page}",
    )
    return client, user, device, page, response


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a)


def kept_fields(html: str) -> dict:
    match = re.search(r'<script id="resumed-form" type="application/json">(.*?)</script>', html)
    assert match, "no kept form on the page"
    return json.loads(match.group(1))


def test_a_form_sent_after_expiry_comes_back_filled_after_signing_in(world, household):
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client, user, device, page, response = expired_post(world, household, traveller)
        # Not run, sent to sign in, coming back to the household page (not the POST URL).
        assert response.status_code == 302
        login_url = response["Location"]
        assert login_url.startswith(reverse("accounts:login"))
        assert "moment" not in login_url.split("next=")[1]
        with scopes_disabled():
            assert not Moment.objects.filter(household=household).exists()
        back = sign_in(client, login_url, user, device)
        assert back.status_code == 302 and back["Location"] == page
        form_page = client.get(page)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    kept = kept_fields(html)
    assert kept["action"] == reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid})
    assert kept["fields"]["moment-note"] == [MOMENT_TEXT]
    assert "csrfmiddlewaretoken" not in kept["fields"]
    assert "Vérifiez-le, puis envoyez-le à nouveau" in unescape(html)
    # Given back once: a reload shows the page as usual.
    assert 'id="resumed-form"' not in client.get(page).content.decode()


def test_another_person_signing_in_on_that_browser_never_sees_it(world, household):
    other = world.users["accompagnateur_a"]
    other_device = TOTPDevice.objects.create(user=other, name="tél", confirmed=True)
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client, _user, _device, page, response = expired_post(world, household, traveller)
        kept_id = client.cookies[resume.COOKIE].value
        assert cache.get(f"resume:{kept_id}") is not None
        back = sign_in(client, response["Location"], other, other_device)
        assert back["Location"] == page
        html = client.get(page).content.decode()
    assert 'id="resumed-form"' not in html and MOMENT_TEXT not in unescape(html)
    # Dropped at once: the author signing in later on this browser does not get it either.
    assert cache.get(f"resume:{kept_id}") is None


def test_the_kept_form_is_signed_and_short_lived(world, household):
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client, *_ = expired_post(world, household, traveller)
    stored = cache.get(f"resume:{client.cookies[resume.COOKIE].value}")
    assert MOMENT_TEXT not in stored  # compressed and signed, not a plain copy
    assert client.cookies[resume.COOKIE]["httponly"]
    assert int(client.cookies[resume.COOKIE]["max-age"]) == resume.TTL


def test_a_post_without_any_session_goes_back_to_the_form_page_not_a_405(world, household):
    page = reverse("tenants:household", kwargs={"uuid": household.uuid})
    client = Client()
    response = client.post(
        reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid}),
        {"moment-note": "x"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?next=" + page)


def test_a_foreign_referer_is_never_the_way_back(world, household):
    url = reverse("accompaniment:moment_create", kwargs={"uuid": household.uuid})
    response = Client().post(url, {}, HTTP_REFERER="https://evil.example/x")
    assert response["Location"].endswith("?next=" + url)


# --- Idle warning -------------------------------------------------------------


def test_pages_carry_the_idle_warning(world):
    html = world.client_for("referent_a").get(reverse("core:home")).content.decode()
    assert 'id="idle-warning"' in html and 'role="alertdialog"' in html
    timeout = settings.SESSION_IDLE_TIMEOUT - 60
    assert f'data-timeout="{timeout}"' in html
    assert reverse("accounts:session_keepalive") in html
    assert 'id="idle-warning"' not in Client().get(reverse("accounts:login")).content.decode()


def test_staying_signed_in_restarts_the_idle_time(world):
    user = world.users["referent_a"]
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client = Client()
        client.force_login(user)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT - 60)
        stay = client.post(reverse("accounts:session_keepalive"), HTTP_ACCEPT="application/json")
        assert stay.status_code == 200 and stay.json()["remaining"] > 0
        traveller.shift(settings.SESSION_IDLE_TIMEOUT - 60)
        assert client.get(reverse("core:home")).status_code == 200


def test_staying_signed_in_is_refused_once_expired(world):
    user = world.users["referent_a"]
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client = Client()
        client.force_login(user)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT + 1)
        late = client.post(reverse("accounts:session_keepalive"), HTTP_ACCEPT="application/json")
        assert late.status_code == 401 and late.json() == {"expired": True}
        assert client.get(reverse("core:home")).status_code == 302
    # Anonymous: sent to sign in, never refreshed.
    assert Client().post(reverse("accounts:session_keepalive")).status_code == 302


def test_staying_signed_in_without_javascript_goes_back(world, django_assert_max_num_queries):
    client = world.client_for("referent_a")
    with django_assert_max_num_queries(8):
        response = client.post(reverse("accounts:session_keepalive"), {"next": "/partenaires/"})
    assert response.status_code == 302 and response["Location"] == "/partenaires/"
    response = client.post(reverse("accounts:session_keepalive"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")

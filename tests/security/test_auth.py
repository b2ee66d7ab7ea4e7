"""Second factor, session lifetime, deactivation and re-authentication."""

import datetime
import logging
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import services
from apps.accounts.models import Role, UserSession
from apps.core.mail import deliver_pending
from tests.accounts.factories import PASSWORD, UserFactory, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    # django-otp's throttle would refuse a right code right after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def with_device(user):
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def password_step(client, user, **extra):
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD}, **extra)


def signed_in(client):
    return "_auth_user_id" in client.session


def emailed_code(user) -> str:
    """The enrolment code of the last message sent to `user` (sent as the worker would)."""
    deliver_pending()
    message = [m for m in mail.outbox if m.to == [user.email]][-1]
    return re.search(r"\b(\d{8})\b", message.body).group(1)


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.ADMIN])
def test_coordinators_and_admins_enrol_before_the_session_exists(client, role):
    user = make_user(role)
    response = password_step(client, user)
    assert response["Location"] == reverse("accounts:login_enrol")
    assert not signed_in(client)
    # First an e-mailed code: no key, no QR code, no device before it.
    first = client.get(reverse("accounts:login_enrol")).content.decode()
    assert "Code reçu par e-mail" in first and "<svg" not in first
    assert not TOTPDevice.objects.filter(user=user).exists()
    given = client.post(reverse("accounts:login_enrol"), {"email_code": emailed_code(user)})
    assert given["Location"] == reverse("accounts:login_enrol")
    page = client.get(reverse("accounts:login_enrol"))
    html = page.content.decode()
    assert "<svg" in html and "Clé secrète" in html
    assert client.get(reverse("core:home")).status_code == 302  # still not signed in
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("accounts:login_enrol"), {"otp_token": "000000"})
    assert "Code incorrect" in wrong.content.decode() and not signed_in(client)
    done = client.post(reverse("accounts:login_enrol"), {"otp_token": code(device)})
    # Signed in; the page shows the backup codes once, then leads home.
    assert done.status_code == 201 and "Vos codes de secours" in done.content.decode()
    assert f'href="{reverse("core:home")}"' in done.content.decode()
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed


def test_superuser_without_role_must_enrol_too(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    assert password_step(client, user)["Location"] == reverse("accounts:login_enrol")


def test_a_person_with_a_device_gives_a_code_after_the_password(client):
    user = UserFactory()
    device = with_device(user)
    response = password_step(client, user)
    assert response["Location"] == reverse("accounts:login_otp")
    assert not signed_in(client)
    bad = client.post(reverse("accounts:login_otp"), {"otp_token": "12"})
    assert bad.status_code == 200 and not signed_in(client)
    ok = client.post(reverse("accounts:login_otp"), {"otp_token": code(device)})
    assert ok.status_code == 302 and signed_in(client)
    # The code is not reusable (replay).
    other = Client()
    password_step(other, user)
    replay = other.post(reverse("accounts:login_otp"), {"otp_token": code(device)})
    assert replay.status_code == 200 and "_auth_user_id" not in other.session


def test_people_without_device_and_not_required_sign_in_with_the_password(client):
    user = UserFactory()
    assert password_step(client, user)["Location"] == reverse("core:home")
    assert signed_in(client)


def test_wrong_codes_count_towards_the_lockout(client):
    user = UserFactory()
    with_device(user)
    password_step(client, user, REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        client.post(reverse("accounts:login_otp"), {"otp_token": "000000"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post(
        reverse("accounts:login_otp"), {"otp_token": "000000"}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429
    # The password step is locked too for that person from that address.
    again = password_step(Client(), user, REMOTE_ADDR="10.0.0.9")
    assert again.status_code == 429


def test_the_code_step_expires(client, settings):
    user = UserFactory()
    with_device(user)
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        password_step(client, user)
        traveller.shift(settings.OTP_LOGIN_TIMEOUT + 1)
        response = client.get(reverse("accounts:login_otp"))
    assert response["Location"] == LOGIN


def test_the_admin_signs_in_through_our_login(client, world):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN) and "next=%2Fadmin%2F" in response["Location"]
    # Signed in without staff rights: refused, not a redirect loop.
    assert world.client_for("referent_a").get(reverse("admin:login")).status_code == 403
    assert world.client_for("admin").get(reverse("admin:password_change"))["Location"] == reverse(
        "accounts:password_change"
    )


def test_force_login_keeps_working_for_coordinators(world):
    """Tests' force_login passes the second factor too (tests/conftest.py)."""
    assert world.client_for("coordinateur").get(reverse("core:home")).status_code == 200


# --- Session lifetime ---------------------------------------------------------


def test_idle_sessions_end_with_a_french_message(settings):
    user = UserFactory()
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client = Client()
        client.force_login(user)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT - 60)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT + 1)
        response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "inactivité" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_end_after_the_absolute_lifetime_even_when_active(settings):
    settings.SESSION_ABSOLUTE_LIFETIME = 3600
    settings.SESSION_IDLE_TIMEOUT = 1800
    user = UserFactory()
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client = Client()
        client.force_login(user)
        for _ in range(3):
            traveller.shift(20 * 60)
            assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(6 * 60)
        response = client.get(reverse("core:home"), follow=True)
    assert "durée maximale" in response.content.decode()


def test_a_session_without_timestamps_is_stamped_on_its_first_request():
    client = Client()
    client.force_login(UserFactory())
    session = client.session
    for key in ("slsp_session_started", "slsp_session_seen", "slsp_auth_at"):
        session.pop(key)
    session.save()
    assert client.get(reverse("core:home")).status_code == 200
    assert "slsp_session_seen" in client.session


def test_no_session_write_on_every_request(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for("referent_a")
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:security")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_deactivating_an_account_ends_all_its_sessions():
    user = UserFactory()
    office, home = Client(), Client()
    password_step(office, user)
    home.force_login(user)
    assert UserSession.objects.filter(user=user).count() == 2
    services.deactivate_user(user)
    assert not Session.objects.filter(
        session_key__in=[office.session.session_key, home.session.session_key]
    ).exists()
    for client in (office, home):
        assert client.get(reverse("core:home")).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_deactivation_from_the_admin_form_ends_sessions_too(world):
    target = UserFactory()
    victim = Client()
    victim.force_login(target)
    target.is_active = False
    target.save()
    assert victim.get(reverse("core:home")).status_code == 302
    assert not UserSession.objects.filter(user=target).exists()


# --- Re-authentication --------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["accounts:email_change", "accounts:password_change", "accounts:otp_enrol"]
)
def test_sensitive_changes_need_a_recent_authentication(settings, url_name):
    user = UserFactory()
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client = Client()
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 200
        traveller.shift(settings.REAUTH_MAX_AGE + 1)
        response = client.get(reverse(url_name))
        assert response["Location"].startswith(reverse("accounts:reauth"))
        wrong = client.post(response["Location"], {"password": "pas-le-bon"})
        assert "Mot de passe incorrect" in wrong.content.decode()
        right = client.post(response["Location"], {"password": PASSWORD})
        assert right["Location"] == reverse(url_name)
        assert client.get(reverse(url_name)).status_code == 200


def test_reauthentication_asks_for_the_code_when_enrolled(settings):
    user = UserFactory()
    device = with_device(user)
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        client = Client()
        client.force_login(user)
        traveller.shift(settings.REAUTH_MAX_AGE + 1)
        url = reverse("accounts:reauth") + "?next=" + reverse("accounts:email_change")
        no_code = client.post(url, {"password": PASSWORD, "otp_token": "000000"})
        assert "Code incorrect" in no_code.content.decode()
        ok = client.post(url, {"password": PASSWORD, "otp_token": code(device)})
        assert ok["Location"] == reverse("accounts:email_change")


def test_reauthentication_failures_count_towards_the_lockout():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    url = reverse("accounts:reauth")
    for _ in range(5):
        client.post(url, {"password": "faux"}, REMOTE_ADDR="10.0.0.7")
    assert client.post(url, {"password": PASSWORD}, REMOTE_ADDR="10.0.0.7").status_code == 429


def test_email_change(client):
    user = UserFactory()
    UserFactory(email="pris@example.org")
    client.force_login(user)
    url = reverse("accounts:email_change")
    taken = client.post(url, {"email": "Pris@Example.org"})
    assert "déjà utilisée" in taken.content.decode()
    bad = client.post(url, {"email": "pas-une-adresse"})
    assert bad.status_code == 200
    ok = client.post(url, {"email": " Nouvelle@Example.org "})
    assert ok["Location"] == reverse("accounts:security")
    user.refresh_from_db()
    assert user.email == "nouvelle@example.org"


# --- Enrolment, replacement and disabling from the security page --------------


def test_enrol_replace_and_disable_for_a_referent(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("accounts:otp_enrol"))
    assert not TOTPDevice.objects.filter(user=user).exists()  # the e-mailed code first
    client.post(reverse("accounts:otp_enrol"), {"email_code": emailed_code(user)})
    client.get(reverse("accounts:otp_enrol"))
    first = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("accounts:otp_enrol"), {"otp_token": code(first)})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    # Replacing: the old device stays valid until the new one is confirmed.
    client.get(reverse("accounts:otp_enrol"))
    second = TOTPDevice.objects.get(user=user, confirmed=False)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).get() == first
    client.post(reverse("accounts:otp_enrol"), {"otp_token": code(second)})
    assert list(TOTPDevice.objects.filter(user=user)) == [second]
    client.post(reverse("accounts:otp_disable"))
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_coordinators_cannot_disable_the_second_factor(world):
    user = world.users["coordinateur"]
    with_device(user)
    response = world.client_for("coordinateur").post(reverse("accounts:otp_disable"), follow=True)
    assert "obligatoire pour votre rôle" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()


# --- Logs carry ids, never e-mail addresses ------------------------------------


def test_auth_logs_carry_ids_not_email_addresses(client, caplog):
    user = UserFactory(email="discret@example.org")
    with_device(user)
    with caplog.at_level(logging.INFO):
        for _ in range(5):
            client.post(LOGIN, {"username": user.email, "password": "faux"})
        password_step(Client(), user, REMOTE_ADDR="10.9.9.9")
    assert caplog.records
    for record in caplog.records:
        if record.name.startswith("apps."):
            assert "discret" not in record.getMessage()
            assert "discret" not in str(
                {k: v for k, v in vars(record).items() if k not in {"args", "msg"}}
            )


def test_security_page_states_the_configured_session_limits(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 20 * 60
    settings.SESSION_ABSOLUTE_LIFETIME = 8 * 3600
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:security")).content.decode()
    assert "après 20 minutes sans activité" in page
    assert "au plus tard 8 heures après la connexion" in page


def test_the_admin_does_not_show_someone_elses_totp_secret(world):
    """OTP_ADMIN_HIDE_SENSITIVE_DATA: no key field, no config page, no QR code."""
    device = with_device(UserFactory())
    admin = world.client_for("admin")
    change = admin.get(reverse("admin:accounts_secondfactordevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    for name in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
        assert admin.get(reverse(f"admin:{name}", args=[device.pk])).status_code == 403


def test_the_admin_neither_shows_nor_deletes_tracked_sessions(world):
    user = UserFactory()
    office = Client()
    office.force_login(user)
    tracked = UserSession.objects.get(user=user)
    admin = world.client_for("admin")
    change = admin.get(reverse("admin:accounts_usersession_change", args=[tracked.pk]))
    assert change.status_code == 200
    assert tracked.session_key not in change.content.decode()
    delete = reverse("admin:accounts_usersession_delete", args=[tracked.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert UserSession.objects.filter(pk=tracked.pk).exists()

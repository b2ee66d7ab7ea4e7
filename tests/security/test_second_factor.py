"""The second factor on every request, role changes ending sessions, and the e-mailed
code before a first enrolment."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import sessions
from apps.accounts.models import EnrolmentCode, Membership, Role, UserSession
from apps.core.mail import deliver_pending
from tests.accounts.factories import PASSWORD, UserFactory, make_user
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ENROL = reverse("accounts:login_enrol")
LOGIN_OTP = reverse("accounts:login_otp")
REGISTER = reverse("slsps:register")  # a regional page: coordinators only


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def emailed_code(user) -> str:
    deliver_pending()
    message = [m for m in mail.outbox if m.to == [user.email]][-1]
    return re.search(r"\b(\d{8})\b", message.body).group(1)


def referent_signed_in_without_code() -> tuple[object, Client]:
    user = make_user(Role.REFERENT, SlspFactory())
    client = Client()
    client.force_login(user)  # a referent needs no second factor: none given
    assert client.get(reverse("core:home")).status_code == 200
    return user, client


# --- Every request of a role that needs it ------------------------------------


def test_a_role_granted_mid_session_sends_the_next_request_to_the_code_step():
    """Attack: a session signed in with the password alone gains the coordinator role
    (by a path that sends no signal, so the session survives) and opens a regional page."""
    user, client = referent_signed_in_without_code()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    Membership.objects.bulk_create([Membership(user=user, role=Role.COORDINATEUR)])
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_OTP
    assert not signed_in(client)
    # The code brings the person back to the page asked for, verified.
    done = client.post(LOGIN_OTP, {"otp_token": code(device)})
    assert done["Location"] == REGISTER
    assert client.get(REGISTER).status_code == 200


def test_without_a_device_the_session_goes_to_enrolment():
    user, client = referent_signed_in_without_code()
    Membership.objects.bulk_create([Membership(user=user, role=Role.ADMIN)])
    response = client.get(reverse("core:home"))
    assert response["Location"] == ENROL
    assert not signed_in(client)


def test_a_post_is_refused_too_and_not_replayed():
    user, client = referent_signed_in_without_code()
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    Membership.objects.bulk_create([Membership(user=user, role=Role.COORDINATEUR)])
    response = client.post(reverse("accounts:email_change"), {"email": "autre@example.org"})
    assert response["Location"] == LOGIN_OTP
    user.refresh_from_db()
    assert user.email != "autre@example.org"


def test_becoming_superuser_mid_session_needs_the_code():
    user, client = referent_signed_in_without_code()
    type(user).objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    assert client.get(reverse("core:home"))["Location"] == ENROL


def test_a_role_granted_through_the_services_path_ends_the_session_at_once():
    user, client = referent_signed_in_without_code()
    Membership.objects.create(user=user, role=Role.COORDINATEUR)
    response = client.get(REGISTER)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_verified_coordinator_session_is_served_without_extra_queries(
    world, django_assert_max_num_queries
):
    client = world.client_for("coordinateur")  # force_login passes the code (conftest)
    assert client.get(REGISTER).status_code == 200
    # A verified session costs no query for the check: same bound with more SLSPs.
    with django_assert_max_num_queries(12) as first:
        assert client.get(REGISTER).status_code == 200
    SlspFactory.create_batch(3)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(REGISTER).status_code == 200


def test_people_whose_role_needs_no_code_are_not_asked():
    _, client = referent_signed_in_without_code()
    assert client.get(reverse("accounts:security")).status_code == 200


# --- A change of roles ends the other sessions ---------------------------------


def two_sessions(user) -> tuple[Client, Client]:
    office, home = Client(), Client()
    office.force_login(user)
    home.force_login(user)
    return office, home


def sessions_alive(*clients: Client) -> int:
    keys = [c.session.session_key for c in clients]
    return Session.objects.filter(session_key__in=keys).count()


def test_granting_a_role_ends_every_session_of_the_person():
    user = make_user(Role.REFERENT, SlspFactory())
    office, home = two_sessions(user)
    Membership.objects.create(user=user, role=Role.JURY)
    assert sessions_alive(office, home) == 0
    assert not UserSession.objects.filter(user=user).exists()
    for client in (office, home):
        assert client.get(reverse("core:home")).status_code == 302


def test_removing_a_role_ends_every_session_of_the_person():
    slsp = SlspFactory()
    user = make_user(Role.REFERENT, slsp)
    Membership.objects.create(user=user, role=Role.DIRECTION, slsp=slsp)
    office, home = two_sessions(user)
    Membership.objects.get(user=user, role=Role.DIRECTION).delete()
    assert sessions_alive(office, home) == 0


def test_changing_a_role_ends_every_session_of_the_person():
    user = make_user(Role.JURY)
    office, home = two_sessions(user)
    membership = Membership.objects.get(user=user)
    membership.role = Role.COORDINATEUR
    membership.save()
    assert sessions_alive(office, home) == 0


def test_a_change_of_superuser_rights_ends_the_sessions():
    user = UserFactory()
    office, home = two_sessions(user)
    user.is_superuser = True
    user.save()
    assert sessions_alive(office, home) == 0


def test_sign_ins_do_not_end_sessions():
    user = make_user(Role.REFERENT, SlspFactory())
    office = Client()
    office.force_login(user)
    Client().post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert sessions_alive(office) == 1


def test_a_change_made_by_the_person_keeps_the_session_in_use():
    user = make_user(Role.JURY)
    office, home = two_sessions(user)
    token = sessions.CURRENT.set((user.pk, office.session.session_key))
    try:
        Membership.objects.create(user=user, role=Role.COORDINATEUR)
    finally:
        sessions.CURRENT.reset(token)
    assert Session.objects.filter(session_key=office.session.session_key).exists()
    assert not Session.objects.filter(session_key=home.session.session_key).exists()


def test_a_role_granted_in_the_admin_ends_the_sessions(world):
    target = make_user(Role.REFERENT, world.slsp_a)
    office, home = two_sessions(target)
    admin = world.client_for("admin")
    response = admin.post(
        reverse("admin:accounts_membership_add"),
        {"user": target.pk, "role": Role.COORDINATEUR, "slsp": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user=target, role=Role.COORDINATEUR).exists()
    assert sessions_alive(office, home) == 0
    # The administrator's own session is untouched.
    assert admin.get(reverse("admin:index")).status_code == 200


# --- The e-mailed code before a first enrolment --------------------------------


def password_step(client: Client, user) -> None:
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response["Location"] == ENROL


def test_enrolment_without_the_emailed_code_is_refused(client):
    """Attack: the password alone, then straight to the enrolment's code field."""
    user = make_user(Role.COORDINATEUR)
    password_step(client, user)
    page = client.get(ENROL).content.decode()
    assert "Code reçu par e-mail" in page
    assert "Clé secrète" not in page and "<svg" not in page
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Even a valid TOTP code of a device made elsewhere is not accepted in its place.
    device = TOTPDevice.objects.create(user=user, name="attaquant", confirmed=False)
    response = client.post(ENROL, {"otp_token": code(device)})
    assert response.status_code == 200
    assert not signed_in(client)
    device.refresh_from_db()
    assert not device.confirmed


def test_the_emailed_code_opens_the_enrolment(client):
    user = make_user(Role.ADMIN)
    password_step(client, user)
    client.get(ENROL)
    sent = emailed_code(user)
    assert mail.outbox[-1].to == [user.email]
    # Only a hash is kept.
    row = EnrolmentCode.objects.get(user=user)
    assert sent not in row.code_hash
    assert client.post(ENROL, {"email_code": sent})["Location"] == ENROL
    assert not EnrolmentCode.objects.filter(user=user).exists()  # single use
    page = client.get(ENROL).content.decode()
    assert "Clé secrète" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(ENROL, {"otp_token": code(device)})
    # Signed in; the backup codes are shown once (tests/accounts/test_backup_codes.py).
    assert done.status_code == 201 and signed_in(client)


def test_bad_input_gets_a_french_message_and_saves_nothing(client):
    user = make_user(Role.COORDINATEUR)
    password_step(client, user)
    client.get(ENROL)
    for value in ("", "abcdefgh", "1" * 20):
        response = client.post(ENROL, {"email_code": value})
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not signed_in(client)


def test_attempts_are_limited(client):
    user = make_user(Role.COORDINATEUR)
    password_step(client, user)
    client.get(ENROL)
    right = emailed_code(user)
    wrong = "00000000" if right != "00000000" else "11111111"
    for _ in range(4):
        assert "Code incorrect" in client.post(ENROL, {"email_code": wrong}).content.decode()
    # The fifth wrong code also locks this address out (django-axes): 429.
    assert client.post(ENROL, {"email_code": wrong}).status_code == 429
    # The right code no longer works: a new one must be sent.
    # (from another address: five wrong codes also locked this one, django-axes)
    refused = client.post(ENROL, {"email_code": right}, REMOTE_ADDR="10.1.1.1")
    assert "Code incorrect" in refused.content.decode()
    assert "Clé secrète" not in client.get(ENROL, REMOTE_ADDR="10.1.1.2").content.decode()


def test_the_code_expires(client, settings):
    user = make_user(Role.COORDINATEUR)
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as traveller:
        password_step(client, user)
        client.get(ENROL)
        sent = emailed_code(user)
        traveller.shift(15 * 60 + 1)
        # Sign in again (the pending password step expired too).
        password_step(client, user)
        response = client.post(ENROL, {"email_code": sent})
    assert "Code incorrect ou expiré" in response.content.decode()


def test_a_code_serves_one_account_only(client):
    victim = make_user(Role.COORDINATEUR)
    attacker = make_user(Role.COORDINATEUR)
    other = Client()
    password_step(other, victim)
    other.get(ENROL)
    victims_code = emailed_code(victim)
    password_step(client, attacker)
    client.get(ENROL)
    assert emailed_code(attacker) != victims_code  # 1 chance in 10**8 of a clash
    response = client.post(ENROL, {"email_code": victims_code})
    assert "Code incorrect" in response.content.decode()


def test_resending_is_limited():
    user = make_user(Role.COORDINATEUR)
    client = Client()
    password_step(client, user)
    client.get(ENROL)  # first code
    for _ in range(4):
        client.post(ENROL, {"resend": "1"})
    response = client.post(ENROL, {"resend": "1"}, follow=True)
    assert "Trop de codes envoyés" in response.content.decode()
    assert deliver_pending() == 5


def test_replacing_a_device_needs_no_email():
    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:otp_enrol")).content.decode()
    assert "Clé secrète" in page
    assert not EnrolmentCode.objects.filter(user=user).exists()

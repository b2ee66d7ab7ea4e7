"""Accounts created by invitation: the person sets their own password, then enrols.

Attacks reproduced: a forged link, a link signed for another purpose, an expired link, a
link used twice, a link replaced by a newer invitation, and a link used after the account
got a password (it must never take over an account in use); the token left in logs.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import invitations
from apps.accounts.models import BackupCode, Invitation, Membership, Role, User
from apps.core.mail import deliver_pending
from apps.core.security import redact_url_tokens

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
ACCEPT = reverse("accounts:invitation", kwargs={"token": invitations.ACCEPT_MARKER})
STRONG = "Brique-Verte-Namur-2026"


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def invitation_link(email: str) -> str:
    deliver_pending()
    message = [m for m in mail.outbox if m.to == [email]][-1]
    assert "Invitation" in message.subject
    return re.search(r"https?://[^/\s]+(/comptes/invitation/[^/\s]+/)", message.body).group(1)


def invite_through_the_admin(world, django_capture_on_commit_callbacks, **membership) -> User:
    """The administrator's "add user" page: no password field, an e-mail goes out."""
    admin = world.client_for("admin")
    add = reverse("admin:accounts_user_add")
    assert "password1" not in admin.get(add).content.decode()
    data = {
        "email": "Nouvelle.Personne@Example.org",
        "first_name": "Nora",
        "last_name": "Nouvelle",
        "language": "fr-be",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-role": membership.get("role", Role.REFERENT),
        "memberships-0-slsp": membership.get("slsp", world.slsp_a.pk) or "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(add, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="nouvelle.personne@example.org")
    assert not user.has_usable_password()
    return user


def test_invited_referent_sets_a_password_and_is_signed_in(
    world, django_capture_on_commit_callbacks
):
    user = invite_through_the_admin(world, django_capture_on_commit_callbacks)
    assert Membership.objects.filter(user=user, role=Role.REFERENT, slsp=world.slsp_a).exists()
    invitation = Invitation.objects.get(user=user)
    assert invitation.invited_by == world.users["admin"]
    link = invitation_link(user.email)
    client = Client()
    # The token leaves the address bar at once.
    first = client.get(link)
    assert first.status_code == 302 and first["Location"] == ACCEPT
    page = client.get(ACCEPT)
    assert page.status_code == 200 and "nouvelle.personne@example.org" in page.content.decode()

    done = client.post(ACCEPT, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302 and done["Location"] == HOME
    assert signed_in(client)
    assert client.get(HOME).status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG)
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    # The person now signs in with the password they chose.
    other = Client()
    response = other.post(reverse("accounts:login"), {"username": user.email, "password": STRONG})
    assert response.status_code == 302 and signed_in(other)


def test_a_weak_password_is_refused_in_french_and_nothing_is_spent(
    world, django_capture_on_commit_callbacks
):
    user = invite_through_the_admin(world, django_capture_on_commit_callbacks)
    client = Client()
    client.get(invitation_link(user.email))
    for data in (
        {"new_password1": "123", "new_password2": "123"},
        {"new_password1": STRONG, "new_password2": STRONG + "x"},
        {},
    ):
        response = client.post(ACCEPT, data)
        assert response.status_code == 200
        text = html.unescape(response.content.decode())
        assert (
            "Ce mot de passe est trop court" in text
            or "ne correspondent pas" in text
            or ("Ce champ est obligatoire" in text)
        )
    assert not signed_in(client)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert Invitation.objects.get(user=user).used_at is None
    # The link still works afterwards.
    assert client.post(ACCEPT, {"new_password1": STRONG, "new_password2": STRONG})["Location"]


def test_an_invited_coordinator_goes_through_the_second_factor_enrolment(
    world, django_capture_on_commit_callbacks
):
    user = invite_through_the_admin(
        world, django_capture_on_commit_callbacks, role=Role.COORDINATEUR, slsp=None
    )
    client = Client()
    client.get(invitation_link(user.email))
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(ACCEPT, {"new_password1": STRONG, "new_password2": STRONG})
    enrol = reverse("accounts:login_enrol")
    assert done["Location"] == enrol
    assert not signed_in(client)  # not before the second factor
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(enrol).content.decode()
    assert "Code reçu par e-mail" in page
    deliver_pending()
    code_mail = [m for m in mail.outbox if m.to == [user.email]][-1]
    email_code = re.search(r"\b(\d{8})\b", code_mail.body).group(1)
    assert client.post(enrol, {"email_code": email_code})["Location"] == enrol
    assert "Clé secrète" in client.get(enrol).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    app_code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    shown = client.post(enrol, {"otp_token": app_code})
    # Signed in, and the ten backup codes are shown once.
    assert shown.status_code == 201 and signed_in(client)
    page = shown.content.decode()
    assert "Vos codes de secours" in page
    assert len(re.findall(r"<code>[a-z0-9]{5}-[a-z0-9]{5}</code>", page)) == 10
    assert BackupCode.objects.filter(user=user).count() == 10
    assert client.get(reverse("slsps:register")).status_code == 200


def _invited(world) -> tuple[User, str]:
    user = User.objects.create_user("invitee@example.org", first_name="Ina", last_name="Vitée")
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.REFERENT, slsp=world.slsp_a)
    invitation = invitations.invite(user, invited_by=None, base_url="http://testserver/")
    path = reverse("accounts:invitation", kwargs={"token": invitations.token_for(invitation)})
    return user, path


def _refused(response, text: str) -> None:
    assert response.status_code == 400
    assert text in html.unescape(response.content.decode())


def _nothing_happened(client: Client, user: User) -> None:
    assert not signed_in(client)
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_forged_or_foreign_token_is_refused(world):
    user, path = _invited(world)
    token = path.split("/")[-2]
    client = Client()
    forged = reverse("accounts:invitation", kwargs={"token": token[:-2] + "xx"})
    _refused(client.get(forged), "n'est pas valide")
    # A token signed for another purpose (another salt) opens nothing.
    nonce = str(Invitation.objects.get(user=user).nonce)
    other = signing.TimestampSigner(salt="apps.referrals.link").sign_object({"n": nonce})
    _refused(client.get(reverse("accounts:invitation", kwargs={"token": other})), "n'est pas")
    # Going straight to the form, without a token in the session.
    _refused(client.get(ACCEPT), "n'est pas valide")
    _refused(client.post(ACCEPT, {"new_password1": STRONG, "new_password2": STRONG}), "pas")
    _nothing_happened(client, user)


def test_an_expired_link_is_refused(world):
    user, path = _invited(world)
    client = Client()
    later = timezone.now() + datetime.timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False):
        _refused(client.get(path), "a expiré")
    _nothing_happened(client, user)


def test_a_link_that_expires_while_the_form_is_open_is_refused(world):
    user, path = _invited(world)
    client = Client()
    client.get(path)
    # The row's deadline is checked at the POST too, not only the token's age.
    Invitation.objects.filter(user=user).update(expires_at=timezone.now())
    response = client.post(ACCEPT, {"new_password1": STRONG, "new_password2": STRONG})
    _refused(response, "a expiré")
    _nothing_happened(client, user)


def test_a_link_serves_once(world):
    user, path = _invited(world)
    first = Client()
    first.get(path)
    first.post(ACCEPT, {"new_password1": STRONG, "new_password2": STRONG})
    assert signed_in(first)
    second = Client()
    _refused(second.get(path), "déjà servi")
    assert not signed_in(second)


def test_a_new_invitation_voids_the_previous_link(world):
    user, old_path = _invited(world)
    invitations.invite(user, invited_by=None, base_url="http://testserver/")
    client = Client()
    _refused(client.get(old_path), "déjà servi")
    _nothing_happened(client, user)


def test_a_link_never_takes_over_an_account_that_has_a_password(world):
    """Attack: an old invitation link (mailbox read later) used after the person set a
    password some other way: it must not let anyone choose a new password."""
    user, path = _invited(world)
    user.set_password("Mot-de-passe-actuel-42")
    user.save()
    client = Client()
    _refused(client.get(path), "déjà servi")
    user.refresh_from_db()
    assert user.check_password("Mot-de-passe-actuel-42")
    # Nor can a new invitation be sent for it.
    with pytest.raises(invitations.CannotInvite):
        invitations.invite(user, invited_by=None, base_url="http://testserver/")


def test_a_link_dies_with_the_account(world):
    user, path = _invited(world)
    user.is_active = False
    user.save()
    _refused(Client().get(path), "déjà servi")


def test_the_admin_action_re_invites_only_accounts_without_password(
    world, django_capture_on_commit_callbacks
):
    user, _ = _invited(world)
    referent = world.users["referent_a"]
    admin = world.client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_invitation", "_selected_action": [user.pk, referent.pk]},
            follow=True,
        )
    text = html.unescape(response.content.decode())
    assert "Invitations envoyées : 1" in text and "Comptes ignorés" in text
    assert Invitation.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    assert not Invitation.objects.filter(user=referent).exists()
    referent.refresh_from_db()
    assert referent.has_usable_password()


def test_the_admin_add_form_refuses_a_duplicate_address_and_creates_nothing(world):
    admin = world.client_for("admin")
    before = User.objects.count()
    response = admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "REF.A@example.org",
            "first_name": "X",
            "last_name": "Y",
            "language": "fr-be",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Cette adresse est déjà utilisée" in html.unescape(response.content.decode())
    assert User.objects.count() == before
    assert not Invitation.objects.exists()


def test_the_invitation_token_is_masked_in_logs(world):
    _, path = _invited(world)
    token = path.split("/")[-2]
    line = f'"GET {path} HTTP/1.1" 302'
    assert token not in redact_url_tokens(line)
    assert ACCEPT in redact_url_tokens(f"GET {ACCEPT}")


def test_the_invitation_mail_keeps_the_link_only_until_sent(world):
    from apps.core.models import OutboundEmail

    user, path = _invited(world)
    stored = OutboundEmail.objects.filter(to=[user.email]).latest("pk")
    assert path in stored.body
    deliver_pending()
    stored.refresh_from_db()
    assert stored.body == ""

"""One-time backup codes for the second factor (a lost phone).

Attacks reproduced: a backup code replayed (second use), an old code used after new ones
were made, a code of another account, codes read from the database (only keyed hashes).
"""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import backup_codes
from apps.accounts.models import BackupCode
from apps.core.mail import deliver_pending
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGIN_OTP = reverse("accounts:login_otp")
SECURITY = reverse("accounts:security")
CODES = reverse("accounts:backup_codes")


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def app_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def shown_codes(response) -> list[str]:
    return re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())


def enrolled(user) -> list[str]:
    """Enrol through the security page (e-mailed code, then the app); the codes shown."""
    client = Client()
    client.force_login(user)
    enrol = reverse("accounts:otp_enrol")
    client.get(enrol)
    deliver_pending()
    message = [m for m in mail.outbox if m.to == [user.email]][-1]
    client.post(enrol, {"email_code": re.search(r"\b(\d{8})\b", message.body).group(1)})
    client.get(enrol)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(enrol, {"otp_token": app_code(device)})
    assert response.status_code == 201
    codes = shown_codes(response)
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


def sign_in_with(user, code: str) -> tuple[Client, object]:
    client = Client()
    step = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert step["Location"] == LOGIN_OTP
    return client, client.post(LOGIN_OTP, {"otp_token": code})


def test_enrolment_shows_ten_codes_stored_only_as_keyed_hashes():
    user = UserFactory()
    codes = enrolled(user)
    rows = list(BackupCode.objects.filter(user=user))
    assert len(rows) == 10
    stored = " ".join(row.code_hash for row in rows)
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored


def test_a_backup_code_signs_in_once_and_the_count_goes_down(django_capture_on_commit_callbacks):
    user = UserFactory()
    codes = enrolled(user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client, response = sign_in_with(user, codes[0].upper().replace("-", " "))
    assert response.status_code == 302 and signed_in(client)
    # The owner is told by e-mail.
    assert any("code de secours" in m.subject for m in mail.outbox if m.to == [user.email])
    page = html.unescape(client.get(SECURITY).content.decode())
    assert "9 codes inutilisés" in page
    # Replay of the same code: refused, not signed in.
    again, refused = sign_in_with(user, codes[0])
    assert refused.status_code == 200 and not signed_in(again)
    assert "Code incorrect" in html.unescape(refused.content.decode())
    assert backup_codes.remaining(user) == 9
    # Another code still works.
    third, ok = sign_in_with(user, codes[1])
    assert ok.status_code == 302 and signed_in(third)
    assert backup_codes.remaining(user) == 8


def test_a_code_of_another_account_is_refused():
    owner, other = UserFactory(), UserFactory()
    codes = enrolled(owner)
    enrolled(other)
    client, response = sign_in_with(other, codes[0])
    assert response.status_code == 200 and not signed_in(client)
    assert backup_codes.remaining(owner) == 10


def test_new_codes_void_the_old_ones_after_confirmation():
    user = UserFactory()
    old = enrolled(user)
    client = Client()
    client.force_login(user)  # counts as a recent sign-in
    confirm = client.get(CODES)
    assert confirm.status_code == 200 and "rend inutilisables" in html.unescape(
        confirm.content.decode()
    )
    assert backup_codes.remaining(user) == 10  # a GET changes nothing
    created = client.post(CODES)
    assert created.status_code == 201
    new = shown_codes(created)
    assert len(new) == 10 and not set(new) & set(old)
    client_old, refused = sign_in_with(user, old[2])
    assert refused.status_code == 200 and not signed_in(client_old)
    client_new, ok = sign_in_with(user, new[2])
    assert signed_in(client_new)


def test_new_codes_need_a_recent_sign_in(settings):
    user = UserFactory()
    enrolled(user)
    client = Client()
    client.force_login(user)
    settings.REAUTH_MAX_AGE = -1
    response = client.post(CODES)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:reauth")
    )
    assert BackupCode.objects.filter(user=user, used_at__isnull=True).count() == 10


def test_reauthentication_accepts_a_backup_code():
    """Lost phone: a person can still re-authenticate to enrol a new app."""
    user = UserFactory()
    codes = enrolled(user)
    client, _ = sign_in_with(user, codes[0])
    reauth = reverse("accounts:reauth")
    wrong = client.post(reauth, {"password": PASSWORD, "otp_token": "abcde-fghjk"})
    assert wrong.status_code == 200
    ok = client.post(reauth, {"password": PASSWORD, "otp_token": codes[1]})
    assert ok.status_code == 302
    assert backup_codes.remaining(user) == 8


def test_without_a_second_factor_there_are_no_codes(world):
    client = world.client_for("referent_a")
    response = client.get(CODES)
    assert response.status_code == 302 and response["Location"] == SECURITY
    assert client.post(CODES).status_code == 302
    assert not BackupCode.objects.exists()


def test_disabling_the_second_factor_deletes_the_codes():
    user = UserFactory()
    enrolled(user)
    client = Client()
    client.force_login(user)
    client.post(reverse("accounts:otp_disable"))
    assert not BackupCode.objects.filter(user=user).exists()


def test_security_page_query_count_does_not_grow_with_codes(world, django_assert_max_num_queries):
    client = world.client_for("coordinateur")
    user = world.users["coordinateur"]
    backup_codes.regenerate(user)
    client.get(SECURITY)
    with django_assert_max_num_queries(12) as first:
        assert client.get(SECURITY).status_code == 200
    for code in backup_codes.regenerate(user)[:3]:
        backup_codes.use(user, code)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(SECURITY)
    assert "7 codes inutilisés" in html.unescape(page.content.decode())

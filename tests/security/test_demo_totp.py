"""The demo coordinator and administrator get a published TOTP key so `make run` is usable."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Role
from tests.accounts.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # `make run` runs with DEBUG=1 (.env); pytest-django turns it off.
    settings.DEBUG = True


def run() -> str:
    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    return out.getvalue()


def test_demo_coordinator_signs_in_with_the_printed_code(client):
    coordinator = make_user(Role.COORDINATEUR, email="coord@demo.slsp-referent.be")
    referent_elsewhere = make_user(Role.COORDINATEUR, email="vrai@swl.be")
    output = run()
    assert "coord@demo.slsp-referent.be" in output and "vrai@swl.be" not in output
    assert not TOTPDevice.objects.filter(user=referent_elsewhere).exists()
    code = re.search(r"current code (\d{6})", output).group(1)
    client.post(reverse("accounts:login"), {"username": coordinator.email, "password": PASSWORD})
    response = client.post(reverse("accounts:login_otp"), {"otp_token": code})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_running_it_twice_keeps_one_device():
    user = make_user(Role.ADMIN, email="admin@demo.slsp-referent.be")
    first = run()
    second = run()
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert first.split("TOTP key")[1].split()[0] == second.split("TOTP key")[1].split()[0]


def test_refused_outside_development(settings):
    settings.DEBUG = False
    user = make_user(Role.COORDINATEUR, email="coord@demo.slsp-referent.be")
    with pytest.raises(CommandError):
        run()
    assert not TOTPDevice.objects.filter(user=user).exists()

"""Second factor of the demo accounts that must use one (coordinator, administrator).

Demo only: the key is derived from a published constant, so anyone can compute the
codes. It never touches an account outside the demo e-mail domain.
"""

import hashlib
from base64 import b32encode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import otp
from apps.accounts.models import User

DEMO_DOMAIN = "@demo.slsp-referent.be"
DEMO_KEY = hashlib.sha1(b"slsp-referent demo second factor").hexdigest()  # noqa: S324


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Give the demo coordinator and administrator a known TOTP key and print their codes."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # A published key must never become a real account's second factor.
            raise CommandError("demo_totp is for development (DEBUG=1) only.")
        users = User.objects.filter(email__endswith=DEMO_DOMAIN, is_active=True).order_by("email")
        for user in users:
            if not otp.is_required_for(user):
                continue
            device = TOTPDevice.objects.filter(user=user, key=DEMO_KEY, confirmed=True).first()
            if device is None:
                TOTPDevice.objects.filter(user=user).delete()
                device = TOTPDevice.objects.create(
                    user=user, name="Démo", key=DEMO_KEY, confirmed=True
                )
            secret = b32encode(device.bin_key).decode()
            self.stdout.write(
                f"  {user.email:<44} TOTP key {secret}  current code {current_code(device)}"
            )

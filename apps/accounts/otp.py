"""Second factor (TOTP, django-otp): who must have one, enrolment and verification.

Asked in the sign-in flow (views.LoginView and the two steps after it) and enforced on
every request by `middleware.SessionSecurityMiddleware`: a session that never gave a
code is sent back to the code step as soon as its user holds a role that needs one,
whenever the role was granted (SECURITY.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import backup_codes, sessions
from apps.accounts.models import Role

logger = logging.getLogger("apps.accounts.auth")

PENDING = "slsp_pending_login"


def is_required_for(user) -> bool:
    """Coordinators and administrators (role or superuser) must use a second factor."""
    return bool(user.is_superuser or user.has_role(Role.COORDINATEUR) or user.has_role(Role.ADMIN))


def session_verified(session) -> bool:
    """The session passed a second factor (django_otp.login stores the device there).

    No query: the session is server-side and a sign-in as someone else flushes it.
    """
    return bool(session.get(DEVICE_ID_SESSION_KEY))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (a new secret once per enrolment)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Application TOTP", confirmed=False)
    return device


def verify(device: TOTPDevice | None, token: str) -> bool:
    token = (token or "").replace(" ", "").strip()
    return bool(device and token.isdigit() and device.verify_token(token))


def verify_or_backup(user, device: TOTPDevice | None, token: str) -> bool:
    """A code of the app, or one of the person's backup codes (spent if it fits)."""
    if device is None:
        return False
    if backup_codes.looks_like_one(token):
        return backup_codes.use(user, token)
    return verify(device, token)


@transaction.atomic
def confirm_enrolment(user, device: TOTPDevice) -> list[str]:
    """The new device replaces any previous one (a reset keeps the old one until then).

    Returns the new backup codes, to be shown once: a new app comes with new codes.
    """
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("otp_enrolled", extra={"user_id": user.pk})
    return backup_codes.regenerate(user)


@transaction.atomic
def disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    backup_codes.delete_all(user)
    logger.info("otp_disabled", extra={"user_id": user.pk})


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (no script, no style: fits the strict CSP)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def secret_b32(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# --- The pending sign-in between the password step and the code -------------


def start_pending(request, user, next_url: str) -> None:
    request.session[PENDING] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "at": sessions.now(),
        "next": next_url,
    }


def get_pending(request):
    """(user, backend, next) of a password step less than OTP_LOGIN_TIMEOUT old, else None."""
    from apps.accounts.models import User

    data = request.session.get(PENDING)
    if not data or sessions.now() - data.get("at", 0) > settings.OTP_LOGIN_TIMEOUT:
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        return None
    return user, data["backend"], data.get("next") or ""


def clear_pending(request) -> None:
    request.session.pop(PENDING, None)

"""The e-mailed code that must precede a first second-factor enrolment.

Without it, whoever holds a coordinator's password (and nothing else) could enrol their
own authenticator at the first sign-in and own the account. The code goes to the
account's e-mail address; only a keyed hash is stored, it expires after
ENROLMENT_CODE_TTL seconds, allows ENROLMENT_CODE_ATTEMPTS tries, and serves once.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from apps.accounts import sessions, throttle
from apps.accounts.models import EnrolmentCode, User

logger = logging.getLogger("apps.accounts.auth")

PASSED = "slsp_enrol_email_ok"
DIGITS = 8


def ttl() -> int:
    return getattr(settings, "ENROLMENT_CODE_TTL", 15 * 60)


def max_attempts() -> int:
    return getattr(settings, "ENROLMENT_CODE_ATTEMPTS", 5)


def max_sends_per_hour() -> int:
    return getattr(settings, "ENROLMENT_CODE_SENDS_PER_HOUR", 5)


def _hash(user: User, code: str) -> str:
    # Keyed and bound to the user: a leaked row neither reveals nor fits another account.
    return salted_hmac("apps.accounts.enrolment", f"{user.pk}:{code}").hexdigest()


def _live(user: User):
    return EnrolmentCode.objects.filter(
        user=user, expires_at__gt=timezone.now(), attempts__lt=max_attempts()
    )


def has_live_code(user: User) -> bool:
    return _live(user).exists()


@transaction.atomic
def send_code(user: User) -> bool:
    """Replace any previous code by a new one and e-mail it; False when sent too often."""
    from apps.core.mail import queue_email

    if not throttle.hit("enrol-code", str(user.pk), limit=max_sends_per_hour()):
        logger.info("enrolment_code_throttled", extra={"user_id": user.pk})
        return False
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    EnrolmentCode.objects.filter(user=user).delete()
    EnrolmentCode.objects.create(
        user=user,
        code_hash=_hash(user, code),
        expires_at=timezone.now() + timedelta(seconds=ttl()),
    )
    minutes = ttl() // 60
    queue_email(
        subject=_("Votre code d'activation de la double authentification"),
        body=_(
            "Bonjour,\n\n"
            "Voici votre code d'activation de la double authentification : %(code)s\n\n"
            "Il est valable %(minutes)d minutes et ne sert qu'une fois. Si vous n'êtes pas "
            "en train de vous connecter à SLSP Référent, ne le communiquez à personne et "
            "prévenez votre administrateur : quelqu'un connaît votre mot de passe.\n"
        )
        % {"code": code, "minutes": minutes},
        to=[user.email],
    )
    logger.info("enrolment_code_sent", extra={"user_id": user.pk})
    return True


@transaction.atomic
def check_code(user: User, code: str) -> bool:
    """True (and the code is spent) when `code` is the user's live code."""
    code = "".join((code or "").split())
    row = _live(user).select_for_update().order_by("-created_at").first()
    if row is None:
        return False
    if code.isdigit() and constant_time_compare(row.code_hash, _hash(user, code)):
        EnrolmentCode.objects.filter(user=user).delete()
        logger.info("enrolment_code_accepted", extra={"user_id": user.pk})
        return True
    row.attempts += 1
    row.save(update_fields=["attempts"])
    logger.info("enrolment_code_failed", extra={"user_id": user.pk})
    return False


def mark_passed(session, user: User) -> None:
    session[PASSED] = {"user_id": user.pk, "at": sessions.now()}


def has_passed(session, user: User) -> bool:
    """The e-mailed code was given in this session, for this user, less than TTL ago."""
    data = session.get(PASSED) or {}
    return data.get("user_id") == user.pk and sessions.now() - data.get("at", 0) <= ttl()


def clear(session) -> None:
    session.pop(PASSED, None)

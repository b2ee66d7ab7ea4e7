"""One-time backup codes for the second factor: a lost phone no longer locks anyone out.

COUNT codes are made at each enrolment (and on request, after re-authentication), shown
once and stored as keyed hashes bound to the user. Each one replaces a code of the
authenticator app once, at sign-in or re-authentication; making new codes voids the old.
"""

from __future__ import annotations

import logging
import secrets

from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.accounts.models import BackupCode, User

logger = logging.getLogger("apps.accounts.auth")

COUNT = 10
# No 0/o, 1/l/i: codes are copied from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 10  # about 50 bits each


def normalize(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def looks_like_one(code: str) -> bool:
    """A backup code, not the six digits of the app (both go in the same field)."""
    value = normalize(code)
    return len(value) == LENGTH and all(ch in ALPHABET for ch in value)


def _hash(user: User, code: str) -> str:
    # Keyed (SECRET_KEY) and bound to the user: a leaked row fits no other account and
    # cannot be brute-forced without the key.
    return salted_hmac("apps.accounts.backup_codes", f"{user.pk}:{normalize(code)}").hexdigest()


def _display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def regenerate(user: User) -> list[str]:
    """Void the person's codes and return COUNT new ones (the only time they are seen)."""
    BackupCode.objects.filter(user=user).delete()
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    BackupCode.objects.bulk_create(BackupCode(user=user, code_hash=_hash(user, c)) for c in codes)
    logger.info("backup_codes_generated", extra={"user_id": user.pk})
    return [_display(c) for c in codes]


def remaining(user: User) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def use(user: User, code: str) -> bool:
    """True, and the code is spent, when `code` is one of the person's unused codes."""
    if not looks_like_one(code):
        return False
    # The row lock makes two simultaneous sign-ins with the same code succeed once.
    row = (
        BackupCode.objects.select_for_update()
        .filter(user=user, code_hash=_hash(user, code), used_at__isnull=True)
        .first()
    )
    if row is None:
        return False
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    left = remaining(user)
    logger.info("backup_code_used", extra={"user_id": user.pk, "remaining": left})
    _warn_by_email(user, left)
    return True


@transaction.atomic
def delete_all(user: User) -> None:
    BackupCode.objects.filter(user=user).delete()


def _warn_by_email(user: User, left: int) -> None:
    """The owner learns of every use: a code used by someone else does not go unseen."""
    from apps.core.mail import queue_email

    with translation.override(user.language):
        subject = _("Un code de secours a été utilisé")
        body = _(
            "Bonjour,\n\n"
            "Un de vos codes de secours vient d'être utilisé à la place de votre application "
            "d'authentification. Il vous en reste %(left)d.\n\n"
            "Si ce n'était pas vous, changez votre mot de passe et prévenez votre "
            "administrateur. Vous pouvez créer de nouveaux codes depuis la page "
            "« Sécurité du compte ».\n"
        ) % {"left": left}
    queue_email(subject=subject, body=body, to=[user.email])

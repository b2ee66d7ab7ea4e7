"""Accounts created by invitation: the person sets their own password.

An administrator creates the account without a usable password and an e-mail carries a
signed link (TimestampSigner, INVITATION_VALIDITY_DAYS) naming one `Invitation` row.
The row makes the link single-use and revocable (a new invitation revokes the previous
ones); the link also dies as soon as the account has a password or is deactivated, so
it can never take over an account that is already in use.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Invitation, User

logger = logging.getLogger("apps.accounts.auth")

# One salt per purpose: a token signed for anything else never opens an invitation.
SALT = "apps.accounts.invitation"
# The view swaps the token in the URL for this marker once it is in the session.
ACCEPT_MARKER = "accepter"
SESSION_KEY = "slsp_invitation_token"


def validity() -> timedelta:
    return timedelta(days=getattr(settings, "INVITATION_VALIDITY_DAYS", 7))


class InvitationInvalid(Exception):
    """The link cannot be used; `message` says why, in French, for the person."""

    MESSAGES: dict[str, Any] = {
        "forged": gettext_lazy("Ce lien d'invitation n'est pas valide."),
        "expired": gettext_lazy(
            "Ce lien d'invitation a expiré. Demandez une nouvelle invitation à votre "
            "administrateur."
        ),
        "used": gettext_lazy(
            "Ce lien d'invitation a déjà servi ou a été remplacé. Connectez-vous avec votre "
            "mot de passe, ou demandez une nouvelle invitation à votre administrateur."
        ),
    }

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


class CannotInvite(Exception):
    """The account is deactivated or already has a password."""


def token_for(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"n": str(invitation.nonce)})


def can_be_invited(user: User) -> bool:
    return user.is_active and not user.has_usable_password()


@transaction.atomic
def invite(user: User, *, invited_by: User | None, base_url: str) -> Invitation:
    """Revoke the person's open invitations, create a new one and e-mail its link.

    `base_url` is the site's address as the administrator reached it ("https://host/").
    """
    if not can_be_invited(user):
        raise CannotInvite
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    invitation = Invitation.objects.create(
        user=user, invited_by=invited_by, expires_at=now + validity()
    )
    link = base_url.rstrip("/") + reverse(
        "accounts:invitation", kwargs={"token": token_for(invitation)}
    )
    from apps.core.mail import queue_email

    # In the invited person's language, not the administrator's.
    with translation.override(user.language):
        subject = _("Invitation à SLSP Référent")
        body = _(
            "Bonjour,\n\n"
            "Un compte SLSP Référent a été créé pour vous (%(email)s). Pour l'activer, "
            "choisissez votre mot de passe en ouvrant ce lien :\n\n%(link)s\n\n"
            "Le lien est valable %(days)d jours et ne sert qu'une fois. Si vous ne vous "
            "attendiez pas à cette invitation, ignorez ce message.\n"
        ) % {"email": user.email, "link": link, "days": validity().days}
    queue_email(subject=subject, body=body, to=[user.email])
    logger.info(
        "invitation_sent",
        extra={"user_id": user.pk, "by_user_id": invited_by.pk if invited_by else None},
    )
    return invitation


def check(token: str) -> Invitation:
    """The open invitation `token` names, or InvitationInvalid (nothing is changed)."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=validity().total_seconds()
        )
        nonce = str(data["n"])
    except signing.SignatureExpired as exc:
        raise InvitationInvalid("expired") from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvitationInvalid("forged") from exc
    invitation = Invitation.objects.select_related("user").filter(nonce=nonce).first()
    if invitation is None:
        raise InvitationInvalid("forged")
    _check_open(invitation)
    return invitation


def _check_open(invitation: Invitation) -> None:
    if invitation.used_at or invitation.revoked_at or not can_be_invited(invitation.user):
        raise InvitationInvalid("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")


@transaction.atomic
def accept(invitation: Invitation, password: str) -> User:
    """Set the person's password and spend the invitation (once, even if raced)."""
    locked = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    user = User.objects.select_for_update().get(pk=locked.user_id)
    locked.user = user
    _check_open(locked)
    user.set_password(password)
    user.save(update_fields=["password"])
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    logger.info("invitation_accepted", extra={"user_id": user.pk})
    return user

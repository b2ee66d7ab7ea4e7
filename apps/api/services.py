"""Writes of the API: issuing, checking and revoking tokens, the access log of API reads,
and the rental-management import through the tenants app's own services."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import AccessLog, User
from apps.api.models import ApiToken, ServiceAccount
from apps.tenants import importer
from apps.tenants import services as tenant_services
from apps.tenants.models import ImportJob

if TYPE_CHECKING:
    from django.db import models

TOKEN_PREFIX = "slsp"  # noqa: S105 (the tokens' visible marker, not a secret)
# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenRefused(Exception):
    """The bearer token cannot be used; the message (French) says why."""


# --- Tokens ---


def _hash(secret: str, salt: str) -> str:
    digest = hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()
    return f"sha256${salt}${digest}"


def _matches(secret: str, stored: str) -> bool:
    try:
        algorithm, salt, _digest = stored.split("$", 2)
    except ValueError:
        return False
    return algorithm == "sha256" and hmac.compare_digest(_hash(secret, salt), stored)


def new_secret(token: ApiToken) -> str:
    """Give an unsaved token its prefix and salted hash; return the full token text, which
    is shown once and never stored."""
    token.prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token.secret_hash = _hash(secret, secrets.token_hex(16))
    return f"{TOKEN_PREFIX}_{token.prefix}_{secret}"


@transaction.atomic
def create_token(
    account: ServiceAccount,
    *,
    created_by: User | None,
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `account`; returns it with its text (shown once)."""
    token = ApiToken(account=account, created_by=created_by)
    if expires_at is not None:
        token.expires_at = expires_at
    text = new_secret(token)
    token.save()
    return token, text


def revoke_token(token: ApiToken) -> None:
    """Revoke at once (idempotent): the next request with it gets a 401."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def authenticate(text: str) -> ApiToken:
    """The active token `text` names, its account loaded; raises TokenRefused otherwise."""
    invalid = TokenRefused(_("Jeton d'API invalide."))
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise invalid
    token = ApiToken.objects.select_related("account").filter(prefix=parts[1]).first()
    if token is None or not _matches(parts[2], token.secret_hash):
        raise invalid
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(_("Ce jeton d'API a été révoqué."))
    if token.expires_at <= now:
        raise TokenRefused(_("Ce jeton d'API a expiré."))
    if not token.account.is_active:
        raise TokenRefused(_("Ce compte de service est désactivé."))
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Access log ---


def _reason(token: ApiToken) -> str:
    return _("API : compte de service « %(name)s » (jeton %(prefix)s)") % {
        "name": token.account.name[:100],
        "prefix": token.prefix,
    }


def log_api_reads(
    request: HttpRequest,
    token: ApiToken,
    objects: Iterable[models.Model],
    *,
    household_of: dict[int, int | None] | None = None,
) -> None:
    """One access-log row per record read through the API, in one INSERT: the same row as
    apps.accounts.services.log_access, the service account named in the reason (it is no
    user)."""
    match = getattr(request, "resolver_match", None)
    reason = _reason(token)[:300]
    household_of = household_of or {}
    AccessLog.objects.bulk_create(
        AccessLog(
            user=None,
            slsp_id=getattr(obj, "slsp_id", None),
            subject_household=household_of.get(obj.pk, getattr(obj, "household_id", None)),
            object_type=obj._meta.label_lower,
            object_id=str(getattr(obj, "uuid", obj.pk)),
            view_name=match.view_name if match else "",
            path=request.path[:500],
            reason=reason,
        )
        for obj in objects
    )


# --- Rental-management import (the same services as the web page) ---


def upload_import(token: ApiToken, *, filename: str, data: bytes, full_export: bool) -> ImportJob:
    """Read and dry-run an uploaded export into a previewed job, exactly as the web upload.

    Raises ValidationError (French, nothing saved) when the file is refused."""
    max_bytes = importer.limit("MAX_BYTES")
    if len(data) > max_bytes:
        raise ValidationError(
            _("Le fichier dépasse %(mb)s Mo.") % {"mb": max_bytes // (1024 * 1024)}
        )
    try:
        # The job's author is a service account, not a user: the access log names it.
        with transaction.atomic():
            return tenant_services.create_import_job(
                user=None,
                slsp=token.account.slsp,
                filename=filename or "export.csv",
                data=data,
                full_export=full_export,
            )
    except importer.ImportFileError as exc:
        raise ValidationError(str(exc)) from exc


def apply_import(
    job: ImportJob, *, confirm_end: bool, confirm_end_count: int | None = None
) -> ImportJob:
    """Apply a previewed job the way the web preview page does: small files at once, large
    ones queued for the worker (the caller polls the job's status)."""
    if job.status != ImportJob.Status.PREVIEWED:
        raise ValidationError(_("Cet import a déjà été appliqué, est en cours ou a échoué."))
    return tenant_services.apply_or_queue(
        job, confirm_end=confirm_end, confirm_end_count=confirm_end_count
    )

"""Writes of the accounts app."""

import logging
from collections.abc import Iterable

from django.contrib.sessions.backends.base import SessionBase
from django.db import models, transaction
from django.http import HttpRequest

from apps.accounts.models import AccessLog, User

logger = logging.getLogger("apps.accounts.auth")


def _household_of(obj: models.Model) -> int | None:
    """The household a record is about: itself, or its `household_id` (no query)."""
    if obj._meta.label_lower == "tenants.household":
        return obj.pk
    return getattr(obj, "household_id", None)


def _access_row(
    request: HttpRequest,
    obj: models.Model,
    *,
    slsp_id: int | None = None,
    reason: str = "",
    household_id: int | None = None,
) -> AccessLog:
    match = getattr(request, "resolver_match", None)
    return AccessLog(
        subject_household=household_id if household_id is not None else _household_of(obj),
        user=request.user if request.user.is_authenticated else None,
        slsp_id=slsp_id if slsp_id is not None else getattr(obj, "slsp_id", None),
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "uuid", obj.pk)),
        view_name=match.view_name if match else "",
        path=request.path[:500],
        reason=reason[:300],
    )


def log_access(
    request: HttpRequest,
    obj: models.Model,
    *,
    slsp_id: int | None = None,
    reason: str = "",
    household_id: int | None = None,
) -> None:
    """Record that the request's user read a personal record (called by every such view).

    `household_id` names the household concerned when `obj` has no `household_id`.
    """
    _access_row(request, obj, slsp_id=slsp_id, reason=reason, household_id=household_id).save()


def log_accesses(request: HttpRequest, objs: Iterable[models.Model], *, reason: str = "") -> None:
    """Record several reads at once (one row each, one query): the records an export or a
    revealed list holds."""
    AccessLog.objects.bulk_create(_access_row(request, obj, reason=reason) for obj in objs)


# --- Sessions ---
def _session_store() -> type[SessionBase]:
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore


def track_session(user: User, session_key: str | None, *, replaces: str | None = None) -> None:
    """Remember that `session_key` belongs to `user` (and forget its expired sessions)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from apps.accounts.models import UserSession

    if not session_key or not user.pk:
        return
    if replaces and replaces != session_key:
        UserSession.objects.filter(session_key=replaces).delete()
    horizon = timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_LIFETIME)
    UserSession.objects.filter(user=user, created_at__lt=horizon).delete()
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def end_all_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every session the user opened but `keep`; returns how many were tracked."""
    from apps.accounts.models import UserSession

    tracked = UserSession.objects.filter(user=user)
    if keep:
        tracked = tracked.exclude(session_key=keep)
    keys = list(tracked.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    tracked.delete()
    return len(keys)


def end_other_sessions(user_id: int) -> int:
    """After a change of roles: every session of the person ends, except the one making
    the change when the person changes their own roles. Sessions live in the database,
    so a rolled-back change ends nothing."""
    from apps.accounts import sessions
    from apps.accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    ended = end_all_sessions(user, keep=sessions.current_key_of(user_id))
    if ended:
        logger.info("sessions_ended_role_change", extra={"user_id": user_id, "count": ended})
    return ended


@transaction.atomic
def deactivate_user(user: User) -> None:
    """Deactivate an account; the post_save signal then ends all its sessions."""
    user.is_active = False
    user.save(update_fields=["is_active"])


class EmailTaken(Exception):
    pass


@transaction.atomic
def change_email(user: User, new_email: str) -> None:
    new_email = User.objects.normalize_email(new_email).strip().lower()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailTaken
    user.email = new_email
    user.save(update_fields=["email"])
    logger.info("email_changed", extra={"user_id": user.pk})


def set_language(user: User, language: str) -> None:
    """The person's interface (and e-mail) language; one of settings.LANGUAGES."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"unknown language {language!r}")
    if user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])
    logger.info("language_changed", extra={"user_id": user.pk, "language": language})

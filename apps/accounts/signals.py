import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from apps.accounts import services, sessions
from apps.accounts.models import Membership, User

logger = logging.getLogger("apps.accounts.auth")


# Logs carry ids, never names or e-mail addresses.
@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    logger.info("login", extra={"user_id": user.pk})
    # Also sent by Client.force_login: its sessions get the same stamps as real sign-ins.
    session = getattr(request, "session", None)
    if session is not None:
        sessions.stamp_login(session)
        if session.session_key is None:  # login() flushed another user's session
            session.save()
        services.track_session(user, session.session_key)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    logger.info("login_failed")


@receiver(user_locked_out)
def on_locked_out(sender, request=None, **kwargs):
    logger.warning("lockout")


@receiver(post_save, sender=User)
def end_sessions_of_deactivated_account(sender, instance, **kwargs):
    if not instance.is_active:
        ended = services.end_all_sessions(instance)
        if ended:
            logger.info("sessions_ended", extra={"user_id": instance.pk, "count": ended})


# --- A change of roles ends the person's other sessions -------------------------
# Whatever the path (services, admin, shell): a session opened under the old roles
# must not keep serving the new ones, nor keep the removed ones. (Queryset
# `update()`/`bulk_create()` send no signal: no code changes memberships that way.)


@receiver(post_save, sender=Membership)
def end_sessions_on_role_granted(
    sender: type[Membership], instance: Membership, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        services.end_other_sessions(instance.user_id)


@receiver(post_delete, sender=Membership)
def end_sessions_on_role_removed(
    sender: type[Membership], instance: Membership, **kwargs: Any
) -> None:
    services.end_other_sessions(instance.user_id)


_PRIVILEGE_FIELDS = ("is_superuser", "is_staff")


@receiver(pre_save, sender=User)
def note_privilege_change(
    sender: type[User],
    instance: User,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """Superuser and staff rights are roles too (the superuser must use a second factor)."""
    instance._privileges_changed = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_PRIVILEGE_FIELDS):
        return  # e.g. the last_login update at every sign-in: no extra query
    before = User.objects.filter(pk=instance.pk).values(*_PRIVILEGE_FIELDS).first()
    if before is not None:
        instance._privileges_changed = any(
            before[field] != getattr(instance, field) for field in _PRIVILEGE_FIELDS
        )


@receiver(post_save, sender=User)
def end_sessions_on_privilege_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    if getattr(instance, "_privileges_changed", False) and instance.is_active:
        services.end_other_sessions(instance.pk)

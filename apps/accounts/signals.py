import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.accounts import services, sessions
from apps.accounts.models import User

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

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("apps.accounts.auth")


# Logs carry ids, never names or e-mail addresses.
@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    logger.info("login", extra={"user_id": user.pk})


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    logger.info("login_failed")


@receiver(user_locked_out)
def on_locked_out(sender, request=None, **kwargs):
    logger.warning("lockout")

from celery import shared_task


@shared_task(name="accounts.send_notification_digests")
def send_notification_digests() -> int:
    """The daily summary e-mail of those who chose it (beat, every morning)."""
    from apps.accounts.notifications import send_digests

    return send_digests()


@shared_task(name="accounts.purge_old_notifications")
def purge_old_notifications() -> int:
    """Notifications past NOTIFICATIONS_KEEP_DAYS (beat, once a day)."""
    from apps.accounts.notifications import purge_old

    return purge_old()

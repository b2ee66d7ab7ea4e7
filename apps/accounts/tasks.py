from celery import shared_task


@shared_task(name="accounts.send_notification_digests")
def send_notification_digests() -> int:
    """The daily summary e-mail of those who chose it (beat, every morning)."""
    from apps.accounts.notifications import send_digests

    return send_digests()

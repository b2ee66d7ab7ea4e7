from celery import shared_task


@shared_task(name="core.echo")
def echo(value: int) -> int:
    """Smallest real task: proves a worker consumes the broker and answers."""
    return value * 2


@shared_task(name="core.record_heartbeat")
def record_heartbeat(token: str) -> str:
    """Writes through the worker's own database connection, to prove end-to-end wiring."""
    from apps.core.models import Heartbeat

    Heartbeat.objects.create(token=token)
    return token


@shared_task(
    name="core.send_email",
    bind=True,
    autoretry_for=(),
    max_retries=8,
)
def send_email(self, message_id: int) -> bool:
    """Send one stored e-mail; a transient SMTP failure retries with growing delays."""
    from apps.core import mail

    try:
        return mail.deliver(message_id)
    except mail.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            mail.mark_failed(message_id)
            return False
        # 30 s, 1 min, 2 min ... capped at one hour: an outage of a few hours is covered.
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 3600)) from error


@shared_task(name="core.send_pending_emails")
def send_pending_emails() -> int:
    """Queue messages whose task was lost (broker down when the request committed).

    Messages already tried have their own retry chain and are left to it.
    """
    from apps.core import mail

    ids = mail.pending_ids(older_than_seconds=300, never_tried=True)
    for message_id in ids:
        send_email.delay(message_id)
    return len(ids)

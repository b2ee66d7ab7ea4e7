"""Outgoing e-mail: stored first, sent after commit by a Celery task that retries.

The request that produces a message never talks to the mail server, so an SMTP outage
costs a delay, never a 500 or a half-done action; `status` says whether the server
has accepted it yet.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from apps.core.models import OutboundEmail

logger = logging.getLogger(__name__)

# What a retry can cure: the server is down, refuses for now, or the network failed.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


def queue_email(*, subject: str, body: str, to: Iterable[str]) -> OutboundEmail:
    """Store a message and hand it to the worker once the current transaction commits."""
    recipients = [address.strip() for address in to if address and address.strip()]
    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    message = OutboundEmail.objects.create(
        subject=" ".join(str(subject).split())[:255], body=str(body), to=recipients
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from apps.core.tasks import send_email

    try:
        send_email.delay(message_id)
    except Exception:  # noqa: BLE001 - the broker being down must not fail the request
        # The periodic sweep (`send_pending_emails`) sends it later.
        logger.warning("e-mail %s not queued: broker unavailable", message_id, exc_info=True)


def deliver(message_id: int) -> bool:
    """Send one stored message if still pending; True once the server has accepted it.

    The row is locked while sending so that a redelivered task or the sweep never
    sends the same message twice. Transient errors propagate (the task retries).
    """
    failure: BaseException | None = None
    with transaction.atomic():
        message = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            EmailMessage(
                message.subject, message.body, settings.DEFAULT_FROM_EMAIL, message.to
            ).send()
        except TRANSIENT_ERRORS as error:
            # Recorded (not rolled back) so the attempt count and cause stay visible.
            failure = error
            message.last_error = type(error).__name__
            message.save(update_fields=["attempts", "last_error"])
        else:
            message.status = OutboundEmail.Status.SENT
            message.sent_at = timezone.now()
            message.body = ""
            message.last_error = ""
            message.save(update_fields=["status", "sent_at", "body", "attempts", "last_error"])
    if failure is not None:
        raise failure
    return True


def mark_failed(message_id: int) -> None:
    """Give up: the body (which may name a tenant) is not kept for a message never sent."""
    OutboundEmail.objects.filter(pk=message_id, status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.FAILED, body=""
    )


def pending_ids(*, older_than_seconds: int = 0, never_tried: bool = False) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, created_at__lte=cutoff
    )
    if never_tried:
        pending = pending.filter(attempts=0)
    return list(pending.order_by("pk").values_list("pk", flat=True))


def deliver_pending() -> int:
    """Send every pending message now, in this process (tests, management shell)."""
    return sum(deliver(pk) for pk in pending_ids())

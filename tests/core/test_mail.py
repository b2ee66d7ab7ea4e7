"""Outgoing e-mail: stored, sent after commit by a task, retried, never sent twice."""

from __future__ import annotations

import smtplib
import time

import pytest
from django.core import mail as django_mail

from apps.core import mail
from apps.core.models import OutboundEmail
from apps.core.tasks import send_email, send_pending_emails


class RefusingBackend:
    """A mail server that is down: every send fails the way smtplib does."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")


@pytest.mark.django_db
def test_queued_message_is_sent_once_and_its_body_dropped(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = mail.queue_email(subject="Objet", body="Bonjour", to=["x@example.org", " "])
    assert len(callbacks) == 1
    assert message.to == ["x@example.org"]
    assert django_mail.outbox == []

    assert mail.deliver_pending() == 1
    assert mail.deliver_pending() == 0
    assert [m.to for m in django_mail.outbox] == [["x@example.org"]]
    assert django_mail.outbox[0].body == "Bonjour"
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.sent_at is not None
    assert message.body == ""


@pytest.mark.django_db
def test_a_message_needs_a_recipient():
    with pytest.raises(ValueError):
        mail.queue_email(subject="Objet", body="x", to=["", "  "])
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_server_down_keeps_the_message_pending_with_the_attempt_recorded(settings):
    message = mail.queue_email(subject="Objet", body="Bonjour", to=["x@example.org"])
    settings.EMAIL_BACKEND = "tests.core.test_mail.RefusingBackend"
    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail.deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert message.last_error == "SMTPServerDisconnected"
    assert message.body == "Bonjour"

    # The server is back: the next attempt sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.deliver(message.pk) is True
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundEmail.Status.SENT, 2)
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db
def test_task_retries_then_gives_up_without_keeping_the_body(settings):
    message = mail.queue_email(subject="Objet", body="Nom du locataire", to=["x@example.org"])
    settings.EMAIL_BACKEND = "tests.core.test_mail.RefusingBackend"
    # Run in this process, Celery follows the retry chain at once: every retry fails.
    result = send_email.apply(args=[message.pk])
    assert result.get() is False
    message.refresh_from_db()
    assert message.attempts == send_email.max_retries + 1
    assert message.status == OutboundEmail.Status.FAILED
    assert message.body == ""
    assert django_mail.outbox == []


@pytest.mark.django_db
def test_sweep_only_takes_old_never_tried_messages():
    fresh = mail.queue_email(subject="a", body="b", to=["x@example.org"])
    old = mail.queue_email(subject="a", body="b", to=["x@example.org"])
    tried = mail.queue_email(subject="a", body="b", to=["x@example.org"])
    OutboundEmail.objects.filter(pk__in=[old.pk, tried.pk]).update(
        created_at=fresh.created_at - mail.timedelta(minutes=10)
    )
    OutboundEmail.objects.filter(pk=tried.pk).update(attempts=1)
    assert mail.pending_ids(older_than_seconds=300, never_tried=True) == [old.pk]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_a_queued_message(celery_worker_process):
    message = mail.queue_email(subject="Objet", body="Bonjour", to=["x@example.org"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == OutboundEmail.Status.SENT:
            break
        time.sleep(0.2)
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 1
    assert send_pending_emails.delay().get(timeout=30) == 0

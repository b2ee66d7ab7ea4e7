"""The partner's link e-mail through a real SMTP server that is down, then back: the
référent's request never fails, the page says the e-mail waits, and it arrives once."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.core import mail
from apps.core.models import OutboundEmail
from apps.core.tasks import send_email
from apps.referrals.models import ReferralLink, ReferralStatus
from tests.ops.smtp import LocalSmtpServer
from tests.referrals.factories import make_referral, referral_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_server(settings) -> Iterator[LocalSmtpServer]:
    server = LocalSmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    yield server
    server.stop()


# `worker`: the on-commit hook is the real one (the task goes to the test broker), not the
# suite's in-process delivery; no worker consumes it here, the test runs it itself.
@pytest.mark.worker
def test_smtp_down_then_up_the_link_email_waits_then_arrives_once(
    world, smtp_server, django_capture_on_commit_callbacks
):
    user = world.users["referent_a"]
    client = world.client_for("referent_a")
    referral = make_referral(referral_setup(world.slsp_a, user), user)
    detail = reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid})
    send = reverse("referrals:referral_send", kwargs={"uuid": referral.uuid})

    # The mail server is down: the référent's send still succeeds at once.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, {"recipient_email": "cpas@example.be", "confirm": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        referral.refresh_from_db()
        link = ReferralLink.objects.select_related("email").get(referral=referral)
    assert referral.status == ReferralStatus.SENT
    assert link.email is not None and link.email.status == OutboundEmail.Status.PENDING
    assert link.email.to == ["cpas@example.be"]

    # A delivery attempt meets the closed port: recorded, still pending, page fine.
    with pytest.raises((smtplib.SMTPException, OSError)):
        mail.deliver(link.email.pk)
    page = client.get(detail)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-email-status="pending"' in html
    assert "e-mail en attente d&#x27;envoi" in html or "e-mail en attente d'envoi" in html
    assert smtp_server.inbox.received == []

    # The server is back: the sweep sends it; the queued task, run late, sends nothing more.
    smtp_server.start()
    assert mail.deliver_pending() == 1
    assert send_email.apply(args=[link.email.pk]).get() is False
    assert mail.deliver_pending() == 0

    assert len(smtp_server.inbox.received) == 1
    recipients, raw = smtp_server.inbox.received[0]
    assert recipients == ["cpas@example.be"]
    message = message_from_bytes(raw, policy=default_policy)
    assert "Orientation" in str(message["Subject"])
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and f"/{referral.uuid}/" in body.get_content()

    link.email.refresh_from_db()
    assert (link.email.status, link.email.attempts) == (OutboundEmail.Status.SENT, 2)
    html = client.get(detail).content.decode()
    assert 'data-email-status="sent"' in html
    assert "e-mail envoyé le" in html


def test_link_without_email_row_still_shows_its_date(world, client_for):
    """Links issued before the outbox kept their message id show their creation date."""
    user = world.users["referent_a"]
    referral = make_referral(referral_setup(world.slsp_a, user), user)
    client = client_for("referent_a")
    with scopes_disabled():
        from apps.referrals import services as referrals

        referrals.send_referral(
            referral, user, recipient_email="cpas@example.be", base_url="http://t/"
        )
        ReferralLink.objects.filter(referral=referral).update(email=None)
    html = client.get(
        reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid})
    ).content.decode()
    assert "data-email-status" not in html
    assert "envoyé le" in html


def _detail_queries(client, referral) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_link_email_states_cost_no_query_per_link(world, client_for):
    from apps.referrals import services as referrals

    user = world.users["referent_a"]
    client = client_for("referent_a")
    referral = make_referral(referral_setup(world.slsp_a, user), user)
    with scopes_disabled():
        referral = referrals.send_referral(
            referral, user, recipient_email="cpas@example.be", base_url="http://t/"
        )
    counts = []
    for extra in (0, 5):
        with scopes_disabled():
            for _ in range(extra):
                referrals.resend_link(
                    referral, user, recipient_email="cpas@example.be", base_url="http://t/"
                )
        counts.append(_detail_queries(client, referral))
    with scopes_disabled():
        assert ReferralLink.objects.filter(referral=referral, email__isnull=False).count() == 6
    assert counts[0] == counts[1], counts

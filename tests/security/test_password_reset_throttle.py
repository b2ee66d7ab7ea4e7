"""Password-reset e-mails are limited per account and per address of origin, with the
same neutral answer whatever happens (no account enumeration)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a reset; the e-mail leaves when the request's transaction commits."""

    def _ask(email: str, ip: str = "10.2.0.1"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)

    return _ask


def test_the_fourth_email_for_one_account_within_the_hour_is_not_sent(client, ask):
    """Attack: flood a colleague's mailbox (or hunt for a link) with reset requests,
    from changing addresses."""
    user = UserFactory(email="cible@example.org")
    answers = [ask("Cible@Example.org ", ip=f"10.2.1.{i}") for i in range(4)]
    assert len(mail.outbox) == 3
    assert all(a.status_code == 302 and a["Location"] == DONE for a in answers)
    assert {m.to[0] for m in mail.outbox} == {user.email}


def test_one_address_of_origin_gets_ten_requests_an_hour(client, ask):
    for i in range(11):
        UserFactory(email=f"personne{i}@example.org")
    answers = [ask(f"personne{i}@example.org") for i in range(11)]
    assert len(mail.outbox) == 10
    assert "personne10@example.org" not in {m.to[0] for m in mail.outbox}
    assert {a["Location"] for a in answers} == {DONE}


def test_the_answer_is_the_same_for_unknown_throttled_and_sent(client, ask):
    UserFactory(email="connu@example.org")
    sent = ask("connu@example.org", ip="10.2.2.1")
    unknown = ask("inconnu@example.org", ip="10.2.2.2")
    for _ in range(3):
        throttled = ask("connu@example.org", ip="10.2.2.3")
    assert len(mail.outbox) == 3
    for response in (sent, unknown, throttled):
        assert response.status_code == 302 and response["Location"] == DONE
    page = client.get(DONE).content.decode()
    assert "Si un compte existe pour cette adresse" in page


def test_bad_input_is_refused_in_french_and_counts_nothing(client, ask):
    UserFactory(email="a@example.org")
    for _ in range(5):
        response = ask("pas-une-adresse")
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    ask("a@example.org")
    assert len(mail.outbox) == 1


def test_counters_are_shared_through_redis(client, ask):
    """The counters live in the cache (Redis), not in one process's memory."""
    from django.core.cache import cache

    from apps.accounts import throttle

    UserFactory(email="b@example.org")
    ask("b@example.org")
    assert cache.get(throttle._key("reset-account", "b@example.org")) == 1

"""Notifications: in the application, by e-mail at once or in a daily summary."""

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from apps.accounts import notifications
from apps.accounts.models import Notification, NotificationEmail
from apps.accounts.tasks import send_notification_digests
from tests.accounts.factories import UserFactory as make_user

pytestmark = pytest.mark.django_db


def _notify(users, **kwargs):
    defaults = {"title": gettext_lazy("Rapport validé"), "url": "/rapports/"}
    return notifications.notify(users, **(defaults | kwargs))


def test_immediate_email_in_the_recipients_language(django_capture_on_commit_callbacks):
    french = make_user(email="fr@example.org")
    german = make_user(email="de@example.org", language="de")
    with django_capture_on_commit_callbacks(execute=True):
        _notify([french, german, french], title=gettext_lazy("Notifications"))
    assert Notification.objects.filter(user=french).count() == 1  # a repeated recipient once
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"fr@example.org", "de@example.org"}
    assert by_address["fr@example.org"].subject == "Notifications"
    assert by_address["de@example.org"].subject == "Benachrichtigungen"
    assert "http://testserver/rapports/" in by_address["fr@example.org"].body or (
        "/rapports/" in by_address["fr@example.org"].body
    )
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_daily_summary_groups_and_never_sends_twice(django_capture_on_commit_callbacks):
    daily = make_user(email="daily@example.org", notification_email=NotificationEmail.DAILY)
    silent = make_user(email="none@example.org", notification_email=NotificationEmail.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([daily, silent], title="Premier")
        _notify([daily], title="Second")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert send_notification_digests() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["daily@example.org"]
    assert "2 notifications" in mail.outbox[0].subject
    assert "Premier" in mail.outbox[0].body and "Second" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_notification_digests() == 0
    assert len(mail.outbox) == 1
    # The person who wanted no e-mail still sees it in the application.
    assert Notification.objects.filter(user=silent, read_at__isnull=True).count() == 1


def test_inactive_people_are_not_notified():
    gone = make_user(is_active=False)
    assert _notify([gone]) == []


def test_header_counter_and_opening_marks_read(world, django_capture_on_commit_callbacks):
    user = world.users["referent_a"]
    client = world.client_for("referent_a")
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = _notify([user], url=reverse("core:home"))
    assert "1 non lue" in client.get(reverse("core:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:notification_open", args=[note.uuid]))
    assert response.status_code == 302 and response.url == reverse("core:home")
    note.refresh_from_db()
    assert note.read_at is not None
    assert "non lue" not in client.get(reverse("core:home")).content.decode()


def test_the_header_counter_costs_no_query(world):
    """Pages are measured without the counter: it is read from the cache only."""
    client = world.client_for("referent_a")
    client.get(reverse("core:home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("core:home"))
    assert not [q for q in queries.captured_queries if "accounts_notification" in q["sql"]]


def test_a_stored_link_never_leaves_the_site(world):
    user = world.users["referent_a"]
    note = Notification.objects.create(user=user, title="x", url="https://evil.example/")
    response = world.client_for("referent_a").post(
        reverse("accounts:notification_open", args=[note.uuid])
    )
    assert response.url == reverse("accounts:notifications")


def test_someone_elses_notification_is_not_found(world):
    note = Notification.objects.create(user=world.users["referent_a"], title="x")
    for persona in ("referent_b", "direction_a", "coordinateur", "admin"):
        response = world.client_for(persona).post(
            reverse("accounts:notification_open", args=[note.uuid])
        )
        assert response.status_code == 404, persona
    listing = world.client_for("referent_b").get(reverse("accounts:notifications"))
    assert "x" not in [n.title for n in listing.context["page"]]


def test_email_choice_refuses_an_unknown_value(world):
    client = world.client_for("referent_a")
    response = client.post(
        reverse("accounts:notification_email"), {"notification_email": "hourly"}, follow=True
    )
    assert "Ce choix n'est pas proposé." in html.unescape(response.content.decode())
    world.users["referent_a"].refresh_from_db()
    assert world.users["referent_a"].notification_email == NotificationEmail.IMMEDIATE
    client.post(reverse("accounts:notification_email"), {"notification_email": "daily"})
    world.users["referent_a"].refresh_from_db()
    assert world.users["referent_a"].notification_email == NotificationEmail.DAILY


@pytest.mark.parametrize("count", [1, 40])
def test_list_queries_do_not_grow(world, count, django_assert_max_num_queries):
    user = world.users["referent_a"]
    Notification.objects.bulk_create(Notification(user=user, title=f"n{i}") for i in range(count))
    client = world.client_for("referent_a")
    client.get(reverse("accounts:notifications"))  # warm the session and the counter
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:notifications")).status_code == 200


def test_old_notifications_are_deleted_by_the_daily_task(settings):
    """A notification names a household by its reference: it must not outlive the
    household's erasure, years later, in someone's list."""
    import datetime

    from django.conf import settings as conf
    from django.utils import timezone

    from apps.accounts.tasks import purge_old_notifications

    person = make_user(email="old@example.org", notification_email=NotificationEmail.NONE)
    old, recent = _notify([person]) + _notify([person])
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS + 1)
    )
    assert purge_old_notifications.apply().get() == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [recent.pk]
    schedule = conf.CELERY_BEAT_SCHEDULE["accounts-purge-old-notifications"]
    assert schedule["task"] == purge_old_notifications.name

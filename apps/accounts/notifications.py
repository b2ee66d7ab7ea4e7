"""Notifications: what a person should know, in the application and by e-mail.

`notify` is the one entry point for every app (referral answered, report sent back or
validated, appointment due ...). Each person chooses how notifications reach their
mailbox (`User.notification_email`): one e-mail each, a daily summary sent by the beat
task `accounts.send_notification_digests`, or none. E-mails go through the outbox
(apps.core.mail), so an SMTP outage never fails the action that notified.

Titles and bodies are written in each recipient's language: pass lazy strings
(`gettext_lazy`, or `format_lazy` for parameters). They must not name a tenant.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

from apps.accounts.models import Notification, NotificationEmail, User
from apps.core.mail import queue_email

Text = str | Promise
UNREAD_KEY = "notifications:unread:{}"


def notify(
    users: Iterable[User], *, title: Text, body: Text = "", url: str = ""
) -> list[Notification]:
    recipients = {user.pk: user for user in users if user.is_active}.values()
    now = timezone.now()
    notes = []
    for user in recipients:
        with translation.override(user.language):
            notes.append(
                Notification(
                    user=user,
                    title=str(title)[:255],
                    body=str(body),
                    url=url,
                    emailed_at=None if user.notification_email != NotificationEmail.NONE else now,
                )
            )
    Notification.objects.bulk_create(notes)
    emailed = []
    for note in notes:
        if note.user.notification_email == NotificationEmail.IMMEDIATE and note.user.email:
            with translation.override(note.user.language):
                queue_email(subject=note.title, body=_email_text([note]), to=[note.user.email])
            emailed.append(note.pk)
    Notification.objects.filter(pk__in=emailed).update(emailed_at=now)
    user_ids = [user.pk for user in recipients]
    transaction.on_commit(lambda: _refresh_counts(user_ids))
    return notes


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _email_text(notes: list[Notification]) -> str:
    blocks = []
    for note in notes:
        lines = [note.title]
        if note.body:
            lines.append(note.body)
        if note.url:
            lines.append(_absolute(note.url))
        blocks.append("\n".join(lines))
    footer = gettext(
        "Vous recevez ce message parce que vous utilisez SLSP Référent. Vous pouvez "
        "choisir la manière de recevoir vos notifications : %(url)s"
    ) % {"url": _absolute(reverse("accounts:notifications"))}
    return "\n\n".join([*blocks, footer])


def send_digests() -> int:
    """One summary e-mail per person who chose the daily summary; returns how many."""
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True, user__notification_email=NotificationEmail.DAILY
        )
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = {}
    for note in pending:
        by_user.setdefault(note.user_id, []).append(note)
    now = timezone.now()
    sent = 0
    for notes in by_user.values():
        user = notes[0].user
        with transaction.atomic():
            if user.email and user.is_active:
                with translation.override(user.language):
                    subject = ngettext(
                        "SLSP Référent : %(n)d notification",
                        "SLSP Référent : %(n)d notifications",
                        len(notes),
                    ) % {"n": len(notes)}
                    queue_email(subject=subject, body=_email_text(notes), to=[user.email])
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
    return sent


def purge_old(now: datetime.datetime | None = None) -> int:
    """Delete notifications older than NOTIFICATIONS_KEEP_DAYS. They name households by
    reference only, yet nothing else would ever remove them: a reference must not outlive
    the household's erasure (years after its last tenancy) in someone's notifications."""
    now = now or timezone.now()
    horizon = now - datetime.timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS)
    deleted, _ = Notification.objects.filter(created_at__lt=horizon).delete()
    return deleted


def notifications_for(user: User) -> QuerySet[Notification]:
    """A person sees their own notifications only."""
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    """The number of unread notifications, counted now (and remembered for the header)."""
    count = notifications_for(user).filter(read_at__isnull=True).count()
    cache.set(UNREAD_KEY.format(user.pk), count, timeout=None)
    return count


def cached_unread_count(user: User) -> int | None:
    """The header's counter: never a query on a page. It is written whenever the count
    changes (`_refresh_counts` after commit) and when the person opens their list;
    after the cache is emptied the header shows no counter until then."""
    count = cache.get(UNREAD_KEY.format(user.pk))
    return None if count is None else int(count)


def _refresh_counts(user_ids: list[int]) -> None:
    unread = dict(
        Notification.objects.filter(user_id__in=user_ids, read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    cache.set_many({UNREAD_KEY.format(pk): unread.get(pk, 0) for pk in user_ids}, timeout=None)


def mark_read(user: User, notification: Notification | None = None) -> int:
    """Mark one notification, or all of them, as read."""
    unread = notifications_for(user).filter(read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    changed = unread.update(read_at=timezone.now())
    transaction.on_commit(lambda: _refresh_counts([user.pk]))
    return changed

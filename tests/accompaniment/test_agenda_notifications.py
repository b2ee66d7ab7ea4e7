"""Notifications of the agenda: a partner's answer to a referral reaches its author, and
each morning every person is told the day's appointments. Real notifications and mail."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django_scopes import scope, scopes_disabled

from apps.accompaniment import agenda
from apps.accompaniment.models import MomentKind
from apps.accounts.models import Notification, NotificationEmail
from tests.referrals.factories import make_sent_referral, referral_setup
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
LINK_RE = re.compile(r"http://testserver(/accompagnement/partenaire/orientation/\S+/)")


@pytest.mark.parametrize("action,word", [("accept", "Acceptée"), ("refuse", "Refusée")])
def test_partner_answer_notifies_the_referral_author(
    world, django_capture_on_commit_callbacks, action, word
):
    author = world.users["referent_a"]
    setup = referral_setup(world.slsp_a, author, name="CPAS de Gembloux")
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_sent_referral(setup, author)
    url = LINK_RE.search(mail.outbox[-1].body).group(1)
    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(url, {"action": action}).status_code == 200
    note = Notification.objects.get(user=author)
    assert setup.household.reference in note.title
    assert word in note.title and "CPAS de Gembloux" in note.title
    with scopes_disabled():
        assert setup.household.display_name not in note.title + note.body
    assert str(referral.uuid) in note.url
    to_author = [m for m in mail.outbox[sent_before:] if m.to == [author.email]]
    assert len(to_author) == 1
    assert setup.household.reference in to_author[0].subject
    assert setup.household.display_name not in to_author[0].body


def test_morning_reminder_tells_each_person_their_own_appointments(
    world, django_capture_on_commit_callbacks
):
    referent, helper = world.users["referent_a"], world.users["accompagnateur_a"]
    with scopes_disabled():
        first, second = make_household(world.slsp_a), make_household(world.slsp_a)
    with scope(slsp=[world.slsp_a.pk]):
        for household in (first, second):
            agenda.plan_appointment(
                household,
                referent,
                kind=MomentKind.HOME_VISIT,
                date=TODAY,
                time=datetime.time(10, 0),
            )
        agenda.plan_appointment(first, helper, kind=MomentKind.PHONE, date=TODAY)
        # Tomorrow's and a done one are not reminded.
        agenda.plan_appointment(
            first, referent, kind=MomentKind.PHONE, date=TODAY + datetime.timedelta(days=1)
        )
        done = agenda.plan_appointment(second, helper, kind=MomentKind.OFFICE, date=TODAY)
        agenda.mark_done(done)
    with django_capture_on_commit_callbacks(execute=True):
        assert agenda.remind_due_appointments(TODAY) == 2
    mine = Notification.objects.get(user=referent)
    assert "2" in mine.title
    assert first.reference in mine.body and second.reference in mine.body
    assert "10:00" in mine.body
    assert first.display_name not in mine.body
    theirs = Notification.objects.get(user=helper)
    assert "1" in theirs.title and second.reference not in theirs.body
    assert {tuple(m.to) for m in mail.outbox} == {(referent.email,), (helper.email,)}


def test_reminder_respects_the_persons_choice(world, django_capture_on_commit_callbacks):
    referent = world.users["referent_a"]
    referent.notification_email = NotificationEmail.NONE
    referent.save(update_fields=["notification_email"])
    with scopes_disabled():
        household = make_household(world.slsp_a)
    with scope(slsp=[world.slsp_a.pk]):
        agenda.plan_appointment(household, referent, kind=MomentKind.PHONE, date=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        agenda.remind_due_appointments(TODAY)
    assert Notification.objects.filter(user=referent).count() == 1
    assert mail.outbox == []


def test_the_reminder_is_scheduled_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["accompaniment-remind-due-appointments"]
    assert entry["task"] == "accompaniment.remind_due_appointments"
    from apps.accompaniment import tasks

    assert tasks.remind_due_appointments.name == entry["task"]

"""The personal calendar feed: secret URL (hashed token), revocable, references only."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.accompaniment import agenda, ics
from apps.accompaniment.models import CalendarFeed, MomentKind
from apps.accounts.models import AccessLog
from tests.tenants.factories import make_household

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def _feed_url(token):
    return reverse("accompaniment:calendar_feed", kwargs={"token": token})


def _unfold(text):
    return text.replace("\r\n ", "")


@pytest.fixture
def household(world):
    with scopes_disabled():
        return make_household(world.slsp_a)


def test_feed_lists_own_appointments_by_reference_never_a_name(client, world, household):
    me = world.users["referent_a"]
    with scope(slsp=[world.slsp_a.pk]):
        agenda.plan_appointment(
            household, me, kind=MomentKind.HOME_VISIT, date=TODAY + DAY, time=datetime.time(14, 30)
        )
        agenda.plan_appointment(household, me, kind=MomentKind.PHONE, date=TODAY + 2 * DAY)
        agenda.plan_appointment(
            household, world.users["accompagnateur_a"], kind=MomentKind.OFFICE, date=TODAY
        )
    token = agenda.issue_feed(me)
    # Only the hash is stored.
    assert CalendarFeed.objects.get(user=me).token_hash != token
    assert token not in CalendarFeed.objects.get(user=me).token_hash
    response = client.get(_feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    assert raw.startswith("BEGIN:VCALENDAR\r\n") and raw.endswith("END:VCALENDAR\r\n")
    text = _unfold(raw)
    assert text.count("BEGIN:VEVENT") == 2  # not the accompagnateur's
    assert household.reference in text
    assert household.display_name not in text
    for name_part in household.display_name.split():
        assert f" {name_part}" not in text.split("BEGIN:VEVENT", 1)[1]
    # 14:30 Brussels is 12:30 or 13:30 UTC: times are written in UTC.
    assert "T1230" in text or "T1330" in text
    assert "DTSTART;VALUE=DATE:" in text  # the appointment without a time
    # Every physical line fits in 75 octets.
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    # Each household read through the feed is in the access log, the token is not.
    log = AccessLog.objects.filter(user=me, subject_household=household.pk).get()
    assert token not in log.path


def test_revoked_or_unknown_token_is_404_and_regenerating_replaces(client, world, household):
    me = world.users["referent_a"]
    first = agenda.issue_feed(me)
    second = agenda.issue_feed(me)
    assert client.get(_feed_url(first)).status_code == 404
    assert client.get(_feed_url(second)).status_code == 200
    agenda.revoke_feed(me)
    assert client.get(_feed_url(second)).status_code == 404
    assert client.get(_feed_url("x" * 43)).status_code == 404


def test_calendar_page_creates_shows_once_and_revokes_after_confirmation(client_for, world):
    client = client_for("accompagnateur_a")
    page = reverse("accompaniment:calendar")
    assert "Créer l'adresse" in client.get(page).content.decode()
    html = client.post(page).content.decode()
    assert "/agenda/calendrier/" in html and ".ics" in html
    # Shown once: the next visit does not show it again.
    assert ".ics" not in client.get(page).content.decode()
    revoke = reverse("accompaniment:calendar_revoke")
    confirm = client.get(revoke)
    assert confirm.status_code == 200 and "Révoquer" in confirm.content.decode()
    assert CalendarFeed.objects.get(user=world.users["accompagnateur_a"]).revoked_at is None
    assert client.post(revoke).status_code == 302
    assert CalendarFeed.objects.get(user=world.users["accompagnateur_a"]).revoked_at is not None


def test_feed_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    me = world.users["referent_a"]
    token = agenda.issue_feed(me)
    with scopes_disabled():
        households = [make_household(world.slsp_a) for _ in range(6)]
    with scope(slsp=[world.slsp_a.pk]):
        agenda.plan_appointment(households[0], me, kind=MomentKind.PHONE, date=TODAY)
    with django_assert_max_num_queries(6) as one:
        client.get(_feed_url(token))
    with scope(slsp=[world.slsp_a.pk]):
        for h in households[1:]:
            agenda.plan_appointment(h, me, kind=MomentKind.PHONE, date=TODAY)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(_feed_url(token))


def test_escaping_and_folding():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 80
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_feed_token_is_masked_in_log_lines():
    from apps.core.security import REDACTED_SEGMENT, redact_url_tokens

    line = '"GET /accompagnement/agenda/calendrier/AbC-123_xyz.ics HTTP/1.1" 200'
    assert "AbC-123_xyz" not in redact_url_tokens(line)
    assert REDACTED_SEGMENT in redact_url_tokens(line)
    assert redact_url_tokens("/accompagnement/agenda/calendrier/revoquer/") == (
        "/accompagnement/agenda/calendrier/revoquer/"
    )

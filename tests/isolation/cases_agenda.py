"""URL classification of the agenda (apps/accompaniment/agenda_views.py)."""

import datetime

from django_scopes import scopes_disabled

from apps.accompaniment import agenda
from apps.accompaniment.models import MomentKind
from tests.isolation.cases import STAFF_A, UrlCase, everyone, expect
from tests.isolation.cases_accompaniment import ACTORS, _follow_up
from tests.isolation.cases_tenants import _household

SLSP_STAFF = (*STAFF_A, "referent_b")


def _appointment(w):
    with scopes_disabled():
        return agenda.plan_appointment(
            _household(w),
            w.users["referent_a"],
            kind=MomentKind.HOME_VISIT,
            date=datetime.date.today(),
        )


def _feed_token(w):
    return agenda.issue_feed(w.users["referent_a"])


CASES = [
    UrlCase("accompaniment:agenda", expect(ok=SLSP_STAFF)),
    UrlCase("accompaniment:calendar", expect(ok=SLSP_STAFF)),
    UrlCase("accompaniment:calendar_revoke", expect(ok=SLSP_STAFF)),
    UrlCase(
        "accompaniment:appointment_form",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
    UrlCase(
        "accompaniment:appointment_done",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _appointment(w).uuid},
    ),
    UrlCase(
        "accompaniment:appointment_cancel",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _appointment(w).uuid},
    ),
    UrlCase(
        "accompaniment:next_step",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _follow_up(w).uuid},
    ),
    # Public: the secret token is the key; whoever holds it gets the same answer.
    UrlCase(
        "accompaniment:calendar_feed",
        everyone(200),
        kwargs=lambda w: {"token": _feed_token(w)},
        note="secret token; revoked or unknown tokens answer 404 (test_agenda_feed)",
    ),
]

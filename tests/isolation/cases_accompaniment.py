"""URL classification of individual accompaniment: POST-only actions."""

import datetime

from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, Domain, FollowUp, Moment, Objective, Sensitivity
from tests.isolation.cases import STAFF_A, UrlCase, expect
from tests.isolation.cases_tenants import _household

ACTORS = ("referent_a", "accompagnateur_a")


def _consent(w):
    with scopes_disabled():
        household = _household(w)
        return Consent.objects.create(
            slsp=w.slsp_a,
            household=household,
            given_on=datetime.date(2025, 1, 1),
            recorded_by=w.users["referent_a"],
        )


def _follow_up(w):
    with scopes_disabled():
        consent = _consent(w)
        return FollowUp.objects.create(
            slsp=w.slsp_a,
            household=consent.household,
            consent=consent,
            domains=[Domain.IMPAYES],
            objective="Plan d'apurement",
            opened_on=consent.given_on,
            opened_by=w.users["referent_a"],
        )


def _objective(w):
    with scopes_disabled():
        follow_up = _follow_up(w)
        return Objective.objects.create(slsp=w.slsp_a, follow_up=follow_up, text="Objectif")


def _sensitive_moment(w):
    with scopes_disabled():
        return Moment.objects.create(
            slsp=w.slsp_a,
            household=_household(w),
            kind="visite_domicile",
            date=datetime.date(2025, 2, 1),
            author=w.users["referent_a"],
            sensitivity=Sensitivity.HEALTH,
            sensitive_note="Hospitalisation récente",
        )


def _closed_follow_up(w):
    with scopes_disabled():
        follow_up = _follow_up(w)
        follow_up.closed_on = follow_up.opened_on
        follow_up.outcome = "autre"
        follow_up.save()
        return follow_up


def _moment(w):
    with scopes_disabled():
        return Moment.objects.create(
            slsp=w.slsp_a,
            household=_household(w),
            kind="telephone",
            date=datetime.date(2025, 2, 1),
            author=w.users["referent_a"],
        )


CASES = [
    UrlCase("accompaniment:follow_ups", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase("accompaniment:work_lists", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase(
        "accompaniment:objective_status",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _objective(w).uuid},
        data=lambda w: {"status": "atteint"},
    ),
    UrlCase(
        "accompaniment:moment_sensitive",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _sensitive_moment(w).uuid},
        note="direction reads the file but not health or violence notes",
    ),
    UrlCase(
        "accompaniment:consent_create",
        expect(ok=ACTORS),
        method="post",
        kwargs=lambda w: {"uuid": _household(w).uuid},
        note="an empty form is shown again with its errors (200), nothing saved",
    ),
    UrlCase(
        "accompaniment:consent_withdraw",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _consent(w).uuid},
        note="the confirmation page (date, reason, purposes and partners)",
    ),
    UrlCase(
        "accompaniment:follow_up_create",
        expect(ok=ACTORS),
        method="post",
        kwargs=lambda w: {"uuid": _household(w).uuid},
        note="an empty form is shown again with its errors (200), nothing saved",
    ),
    UrlCase(
        "accompaniment:follow_up_close",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _follow_up(w).uuid},
        note="the confirmation page (outcome, note, objectives' final statuses)",
    ),
    UrlCase(
        "accompaniment:follow_up_reopen",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _closed_follow_up(w).uuid},
        note="the confirmation page (reason)",
    ),
    UrlCase(
        "accompaniment:moment_create",
        expect(ok=ACTORS),
        method="post",
        kwargs=lambda w: {"uuid": _household(w).uuid},
        note="an empty form is shown again with its errors (200), nothing saved",
    ),
    UrlCase(
        "accompaniment:moment_correct",
        expect(ok=("referent_a", "direction_a")),
        kwargs=lambda w: {"uuid": _moment(w).uuid},
        note="the author (referent_a) or the direction; another accompagnateur may not",
    ),
    UrlCase(
        "accompaniment:moment_delete",
        expect(ok=("referent_a", "direction_a")),
        kwargs=lambda w: {"uuid": _moment(w).uuid},
        note="the confirmation page (reason); the author or the direction",
    ),
]

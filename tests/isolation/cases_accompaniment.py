"""URL classification of individual accompaniment (issue 3): POST-only actions."""

import datetime

from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, Domain, FollowUp
from tests.isolation.cases import UrlCase, expect
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


CASES = [
    UrlCase(
        "accompaniment:consent_create",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
    UrlCase(
        "accompaniment:consent_withdraw",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _consent(w).uuid},
    ),
    UrlCase(
        "accompaniment:follow_up_create",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
    UrlCase(
        "accompaniment:follow_up_close",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _follow_up(w).uuid},
    ),
    UrlCase(
        "accompaniment:moment_create",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
]

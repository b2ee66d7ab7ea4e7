"""URL classification of the household page's on-demand forms: GET pages that
show the consent and follow-up forms, for those who act for the household only."""

from tests.isolation.cases import UrlCase, expect
from tests.isolation.cases_accompaniment import ACTORS
from tests.isolation.cases_tenants import _household

CASES = [
    UrlCase(
        "accompaniment:consent_form",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
    UrlCase(
        "accompaniment:follow_up_form",
        expect(ok=ACTORS),
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
]

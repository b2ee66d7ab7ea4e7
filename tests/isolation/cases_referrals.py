"""URL classification of referrals, the partner's link and the network view.

The partner's link is public: here with a forged token (everyone, signed in or not,
gets the 404 'link not valid' page). Expired, reused, revoked and other-referral
tokens are requested by every persona in tests/isolation/test_referral_links.py.
"""

from django_scopes import scopes_disabled

from tests.isolation.cases import STAFF_A, UrlCase, everyone, expect
from tests.referrals.factories import make_referral, make_sent_referral, referral_setup

ACTORS = ("referent_a", "accompagnateur_a")


def _setup(w):
    if "referral_setup" not in w.objects:
        w.objects["referral_setup"] = referral_setup(w.slsp_a, w.users["referent_a"], type="cpas")
    return w.objects["referral_setup"]


def _proposed(w):
    if "proposed" not in w.objects:
        w.objects["proposed"] = make_referral(_setup(w), w.users["referent_a"])
    return w.objects["proposed"]


def _sent(w):
    if "sent" not in w.objects:
        w.objects["sent"] = make_sent_referral(_setup(w), w.users["referent_a"])
    return w.objects["sent"]


def _uuid(getter):
    def kwargs(w):
        with scopes_disabled():
            return {"uuid": getter(w).uuid}

    return kwargs


CASES = [
    UrlCase("referrals:referrals", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase(
        "referrals:referral_create",
        expect(ok=ACTORS),
        kwargs=_uuid(lambda w: _setup(w).follow_up),
        note="direction reads referrals but does not refer",
    ),
    UrlCase("referrals:referral_detail", expect(ok=STAFF_A), kwargs=_uuid(_proposed)),
    UrlCase(
        "referrals:referral_send",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=_uuid(_proposed),
    ),
    UrlCase(
        "referrals:referral_resend",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=_uuid(_sent),
        data=lambda w: {"recipient_email": "autre@example.be", "confirm": "on"},
    ),
    UrlCase(
        "referrals:referral_transition",
        expect(ok=ACTORS, status=302),
        method="post",
        kwargs=_uuid(_sent),
        data=lambda w: {"status": "accepted"},
    ),
    UrlCase(
        "referrals:referral_link",
        everyone(404),
        kwargs=lambda w: {"uuid": _uuid(_sent)(w)["uuid"], "token": "forged:token:value"},
        note="public: a forged token shows the 'link not valid' page, never data",
    ),
    UrlCase(
        "referrals:network",
        expect(ok=(*STAFF_A, "referent_b"), status=302, coordinateur=200),
        note="staff go to their SLSP's network; coordinators choose an SLSP",
    ),
    UrlCase(
        "referrals:network_slsp",
        expect(ok=(*STAFF_A, "coordinateur")),
        kwargs=lambda w: {"uuid": w.slsp_a.uuid},
        note="the coordinator sees counts only (small counts suppressed)",
    ),
    UrlCase(
        "referrals:partner_stats",
        expect(ok=(*STAFF_A, "referent_b", "coordinateur")),
        kwargs=_uuid(lambda w: _setup(w).partner),
        note="staff: their SLSP's referrals; coordinators: regional counts only",
    ),
]

"""URL classification of the base apps: core, accounts, slsps, i18n."""

from tests.isolation.cases import LOGIN, SIGNED_IN, STAFF_A, UrlCase, everyone, expect

CASES = [
    UrlCase("core:home", expect(ok=SIGNED_IN)),
    UrlCase(
        "core:search",
        expect(ok=SIGNED_IN),
        data=lambda w: {"q": "Ménage"},
        note="every signed-in user; each kind reads its own visibility function "
        "(tests/search/ checks that nothing of another SLSP or role shows)",
    ),
    UrlCase("core:health", everyone(200), note="public readiness probe, statuses only"),
    UrlCase("core:liveness", everyone(200), note="public liveness probe, no data"),
    UrlCase(
        "accounts:login",
        expect(ok=(), refused=302, anonymous=200),
        note="signed-in users are sent home",
    ),
    UrlCase("accounts:logout", everyone(302), method="post"),
    UrlCase("accounts:password_change", expect(ok=SIGNED_IN)),
    UrlCase("accounts:password_change_done", expect(ok=SIGNED_IN)),
    UrlCase("accounts:password_reset", everyone(200)),
    UrlCase("accounts:password_reset_done", everyone(200)),
    UrlCase(
        "accounts:password_reset_confirm",
        everyone(200),
        kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"},
        note="an invalid token shows the 'link no longer valid' page",
    ),
    UrlCase("accounts:password_reset_complete", everyone(200)),
    UrlCase("set_language", everyone(302), method="post", data=lambda w: {"language": "de"}),
    UrlCase("slsps:register", expect(ok=("coordinateur", "admin"))),
    UrlCase(
        "slsps:mine",
        expect(ok=(*STAFF_A, "referent_b"), status=302),
        note="redirects staff to their own SLSP page",
    ),
    UrlCase(
        "slsps:detail",
        expect(ok=(*STAFF_A, "coordinateur", "admin")),
        kwargs=lambda w: {"uuid": w.slsp_a.uuid},
    ),
]

assert LOGIN

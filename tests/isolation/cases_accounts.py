"""URL classification of the account security pages ."""

from tests.isolation.cases import SIGNED_IN, UrlCase, everyone, expect

CASES = [
    UrlCase(
        "accounts:login_otp",
        everyone(302),
        note="without a pending password step, everyone is sent back to the login page",
    ),
    UrlCase("accounts:login_enrol", everyone(302)),
    UrlCase("accounts:security", expect(ok=SIGNED_IN)),
    UrlCase("accounts:reauth", expect(ok=SIGNED_IN)),
    UrlCase("accounts:otp_enrol", expect(ok=SIGNED_IN), note="force_login counts as recent"),
    UrlCase(
        "accounts:otp_disable",
        expect(ok=SIGNED_IN, status=302),
        method="post",
        note="back to the security page (refused for coordinators and administrators)",
    ),
    UrlCase("accounts:email_change", expect(ok=SIGNED_IN)),
]

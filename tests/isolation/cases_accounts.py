"""URL classification of the account security pages ."""

from apps.accounts.models import Notification
from tests.isolation.cases import SIGNED_IN, UrlCase, everyone, expect


def _notification_of(user) -> Notification:
    return Notification.objects.create(user=user, title="Rapport validé", url="/")


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
    UrlCase(
        "accounts:backup_codes",
        expect(ok=("coordinateur", "admin"), refused=302),
        note="with a second factor only (the others go back to the security page)",
    ),
    UrlCase(
        "accounts:language_change",
        expect(ok=SIGNED_IN, status=302),
        method="post",
        data=lambda world: {"language": "de"},
    ),
    UrlCase(
        "accounts:session_keepalive",
        expect(ok=SIGNED_IN, status=302),
        method="post",
        note="back to the page (JSON for the idle warning's script); only the own session",
    ),
    UrlCase("accounts:notifications", expect(ok=SIGNED_IN)),
    UrlCase(
        "accounts:notifications_read_all",
        expect(ok=SIGNED_IN, status=302),
        method="post",
    ),
    UrlCase(
        "accounts:notification_email",
        expect(ok=SIGNED_IN, status=302),
        method="post",
        data=lambda world: {"notification_email": "daily"},
    ),
    UrlCase(
        "accounts:notification_open",
        expect(ok=("referent_a",), status=302),
        method="post",
        kwargs=lambda world: {"uuid": _notification_of(world.users["referent_a"]).uuid},
        note="a person opens their own notifications only",
    ),
    UrlCase(
        "accounts:invitation",
        everyone(400),
        kwargs=lambda world: {"token": "x"},
        note="public; a forged token is refused with a French message",
    ),
]

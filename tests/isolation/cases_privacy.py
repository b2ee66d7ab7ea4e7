"""URL classification of the privacy app: the access log is the direction's,
a household's export is for its SLSP's référent or direction."""

from tests.isolation.cases import UrlCase, expect
from tests.isolation.cases_tenants import _household

CASES = [
    UrlCase(
        "privacy:access_log",
        expect(ok=("direction_a",)),
        note="référents do not audit colleagues; coordinators see nothing personal",
    ),
    UrlCase(
        "privacy:household_export",
        expect(ok=("referent_a", "direction_a")),
        kwargs=lambda w: {"uuid": _household(w).uuid},
    ),
]

"""URL classification of the SWL regional view ."""

from tests.isolation.cases import UrlCase, expect

REGION = ("coordinateur", "admin")

CASES = [
    UrlCase("reports:region", expect(ok=REGION)),
    UrlCase("reports:region_csv", expect(ok=REGION)),
    UrlCase("reports:region_xlsx", expect(ok=REGION)),
    UrlCase(
        "reports:slsp_overview",
        expect(ok=REGION),
        kwargs=lambda w: {"uuid": w.slsp_a.uuid},
    ),
]

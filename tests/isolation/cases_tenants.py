"""URL classification of the tenants app ."""

from django_scopes import scopes_disabled

from tests.isolation.cases import STAFF_A, UrlCase, expect
from tests.tenants.factories import make_household


def _household(w):
    if "household" not in w.objects:
        with scopes_disabled():
            w.objects["household"] = make_household(w.slsp_a)
    return w.objects["household"]


def _import_job(w):
    from apps.tenants.models import ImportJob

    with scopes_disabled(), open("fixtures/export-gestion-locative.csv", "rb") as handle:
        return ImportJob.objects.create(
            slsp=w.slsp_a, created_by=w.users["referent_a"], filename="x.csv", data=handle.read()
        )


CASES = [
    UrlCase("tenants:households", expect(ok=(*STAFF_A, "referent_b"))),
    UrlCase("tenants:household", expect(ok=STAFF_A), kwargs=lambda w: {"uuid": _household(w).uuid}),
    UrlCase("tenants:import", expect(ok=("referent_a", "referent_b"))),
    UrlCase(
        "tenants:import_preview",
        expect(ok=("referent_a",)),
        kwargs=lambda w: {"uuid": _import_job(w).uuid},
    ),
    UrlCase(
        "tenants:import_progress",
        expect(ok=("referent_a",)),
        kwargs=lambda w: {"uuid": _import_job(w).uuid},
    ),
]

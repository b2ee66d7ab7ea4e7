"""URL classification of renovation works (apps/tenants/works_views.py)."""

import datetime

from django_scopes import scopes_disabled

from apps.tenants.models import RenovationWorks, WorksKind
from tests.isolation.cases import UrlCase, expect
from tests.isolation.cases_tenants import _household

MANAGERS_A = ("referent_a", "direction_a")


def _works(w):
    if "works" not in w.objects:
        with scopes_disabled():
            works = RenovationWorks.objects.create(
                slsp=w.slsp_a, name="Chantier", kind=WorksKind.PEI, start_date=datetime.date.today()
            )
            works.units.add(_household(w).tenancies.get().unit)
            w.objects["works"] = works
    return w.objects["works"]


def _unit(w):
    with scopes_disabled():
        return _household(w).tenancies.get().unit


CASES = [
    UrlCase("tenants:works", expect(ok=(*MANAGERS_A, "referent_b"))),
    UrlCase("tenants:works_create", expect(ok=(*MANAGERS_A, "referent_b"))),
    UrlCase(
        "tenants:works_detail", expect(ok=MANAGERS_A), kwargs=lambda w: {"uuid": _works(w).uuid}
    ),
    UrlCase("tenants:works_edit", expect(ok=MANAGERS_A), kwargs=lambda w: {"uuid": _works(w).uuid}),
    UrlCase(
        "tenants:works_close", expect(ok=MANAGERS_A), kwargs=lambda w: {"uuid": _works(w).uuid}
    ),
    UrlCase(
        "tenants:works_attach",
        expect(ok=MANAGERS_A, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _works(w).uuid},
        data=lambda w: {"unit": [str(_unit(w).uuid)]},
    ),
    UrlCase(
        "tenants:works_detach",
        expect(ok=MANAGERS_A, status=302),
        method="post",
        kwargs=lambda w: {"uuid": _works(w).uuid, "unit": _unit(w).uuid},
    ),
]

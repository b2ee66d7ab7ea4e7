"""The calls' column of the SWL regional table: submitted dossiers per SLSP."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.calls import queries
from apps.calls.models import CallStatus, DossierStatus
from apps.core.registry import registry
from tests.calls import factories as f
from tests.slsps.factories import SlspFactory

SUBMITTED = DossierStatus.SUBMITTED


def test_dossiers_per_slsp_count_lead_and_co_applicant_once(world):
    a, b = world.slsp_a, world.slsp_b
    c = SlspFactory()
    first = f.make_call(CallStatus.REVIEW)
    second = f.make_call(CallStatus.OPEN, title="Deuxième appel")
    f.make_dossier(first, a, co=[b], status=SUBMITTED)  # joint: A and B once each
    f.make_dossier(first, b, status=SUBMITTED)
    f.make_dossier(second, a, status=SUBMITTED)
    f.make_dossier(second, a, co=[c])  # a draft counts for nobody
    f.make_dossier(second, c, status=DossierStatus.WITHDRAWN)
    ids = [a.pk, b.pk, c.pk]
    with CaptureQueriesContext(connection) as ctx:
        counts = queries.dossiers_by_slsp(ids)
    assert len(ctx) == 1
    assert counts == {a.pk: 2, b.pk: 2}
    assert queries.dossiers_by_slsp([c.pk]) == {}
    metric = next(m for m in registry.metrics if m.key == "dossiers_appels")
    assert metric.compute is queries.dossiers_by_slsp and not metric.about_people


def test_column_on_the_regional_table(world):
    call = f.make_call(CallStatus.REVIEW)
    f.make_dossier(call, world.slsp_a, co=[world.slsp_b], status=SUBMITTED)
    response = world.client_for("coordinateur").get(reverse("reports:region"))
    assert response.status_code == 200
    table = response.context["table"]
    index = [c.key for c in table.columns].index("dossiers_appels")
    values = {row.slsp.pk: row.values[index] for row in table.rows}
    assert values[world.slsp_a.pk] == values[world.slsp_b.pk] == 1
    assert "Dossiers d&#x27;appels déposés" in response.content.decode()

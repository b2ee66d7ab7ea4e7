"""A submitted form with nothing filled in is still a submission: it shows the form's
French errors and saves nothing (`apps.core.forms.posted`), never a fresh blank form as
`request.POST or None` did."""

import pytest
from django.urls import reverse

from apps.collective.models import CollectiveAction
from apps.slsps.models import NetworkEvent
from apps.tenants.models import ImportJob

pytestmark = pytest.mark.django_db

CASES = [
    ("coordinateur", "slsps:event_create", NetworkEvent),
    ("referent_a", "collective:collective_create", CollectiveAction),
    ("referent_a", "tenants:import", ImportJob),
]


@pytest.mark.parametrize(("persona", "url_name", "model"), CASES)
def test_an_empty_submission_shows_the_errors_and_saves_nothing(world, persona, url_name, model):
    from django_scopes import scopes_disabled

    client = world.client_for(persona)
    with scopes_disabled():
        before = model.objects.count()
    response = client.post(reverse(url_name), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    with scopes_disabled():
        assert model.objects.count() == before

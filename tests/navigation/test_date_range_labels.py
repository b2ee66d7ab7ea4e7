"""Both inputs of a period filter have an accessible name (axe-core: 'label', critical)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "persona", "label"),
    [
        ("accompaniment:follow_ups", "referent_a", "Ouvert entre"),
        ("collective:collective_actions", "referent_a", "En cours entre"),
        ("privacy:access_log", "direction_a", "Période"),
    ],
)
def test_both_date_inputs_of_a_period_are_named(client_for, world, url_name, persona, label):
    html = client_for(persona).get(reverse(url_name)).content.decode()
    inputs = re.findall(r'<input type="date"[^>]*>', html)
    assert len(inputs) == 2, inputs
    names = [re.search(r'aria-label="([^"]+)"', i).group(1) for i in inputs]
    assert names == [f"{label} : du", f"{label} : au"]

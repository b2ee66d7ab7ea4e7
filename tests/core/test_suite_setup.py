"""The test suite's own machinery: the shared persona world and the Hypothesis CI profile."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled
from hypothesis import settings as hypothesis_settings

from apps.accounts.models import User
from apps.slsps.models import Slsp

# Same xdist worker, in this order: the second test sees what the first one left.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("shared-world")]

CHANGED = "Nom changé par un test"


def test_a_test_changes_the_world(world) -> None:
    user = world.users["referent_a"]
    user.first_name = CHANGED
    user.save(update_fields=["first_name"])
    world.objects["left-over"] = True
    with scopes_disabled():
        Slsp.objects.filter(pk=world.slsp_b.pk).delete()


def test_the_next_test_gets_the_world_as_built(world) -> None:
    assert world.users["referent_a"].first_name != CHANGED
    assert world.objects == {}
    assert not User.objects.filter(first_name=CHANGED).exists()
    with scopes_disabled():
        assert Slsp.objects.filter(pk=world.slsp_b.pk).exists()


def test_a_test_without_the_world_does_not_see_it() -> None:
    assert not User.objects.filter(email="ref.a@example.org").exists()


def test_ci_profile_is_derandomised() -> None:
    assert hypothesis_settings.get_profile("ci").derandomize is True

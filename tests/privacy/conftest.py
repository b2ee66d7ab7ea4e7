import pytest

from tests.privacy.factories import make_rich_household


@pytest.fixture
def household(world):
    return make_rich_household(world.slsp_a, world.users["referent_a"])

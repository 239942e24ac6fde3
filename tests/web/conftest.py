import pytest

from tests.accounts.scene import build_scene


@pytest.fixture
def scene(world):
    """District A and district B with records of every kind (tests/accounts/scene.py)."""
    return build_scene(world)

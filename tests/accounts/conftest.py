import pytest

from tests.accounts.scene import build_scene


@pytest.fixture
def scene(world):
    """The world with records of every kind in district A and district B (see scene.py)."""
    return build_scene(world)

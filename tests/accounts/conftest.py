from tests.accounts.scene import build_scene
from tests.shared import shared


@shared
def scene(world):
    """The world with records of every kind in district A and district B (see scene.py), built
    once per module (tests/shared.py)."""
    return build_scene(world)

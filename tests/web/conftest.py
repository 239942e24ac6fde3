from tests.accounts.scene import build_scene
from tests.shared import shared


@shared
def scene(world):
    """District A and district B with records of every kind (tests/accounts/scene.py), built
    once per module (tests/shared.py)."""
    return build_scene(world)

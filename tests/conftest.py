import pytest

from tests.world import build_world


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 with a million rounds per test user would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"

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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last (after pytest-django has put transactional tests after the others):
    the worker test (tests/reports/test_worker.py) after the CSP walk of the live server lost
    its refresh on SQLite, an interaction not yet understood; the browser tests need nothing
    after them."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)

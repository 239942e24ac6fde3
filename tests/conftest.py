import pytest

from tests.e2e import SCREENSHOTS
from tests.world import build_world
from xuncha.celery import app


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


@pytest.fixture
def tasks_in_process():
    """What the embedded default does (no broker): a queued task runs at once, in-process.
    With CELERY_BROKER_URL set (CI's second run) tasks would otherwise go to a broker that no
    worker reads. Autouse under tests/reports; elsewhere a test asks for it by name."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def tasks_to_broker(tasks_in_process):
    """The broker path even on the embedded default: wake-ups become messages to a worker."""
    app.conf.task_always_eager = False


def _is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session):
    """End-to-end screenshots of an earlier run go before any test starts: in the main process only, since
    under pytest-xdist each worker process saves its own tests' screenshots beside the others'."""
    if not _is_xdist_worker(session.config):
        for old in SCREENSHOTS.glob("*.png"):
            old.unlink()


def pytest_terminal_summary(terminalreporter, config):
    if _is_xdist_worker(config):
        return
    saved = sorted(SCREENSHOTS.glob("*.png"), key=lambda path: path.stat().st_mtime)
    if saved:
        terminalreporter.write_sep("-", f"end-to-end screenshots ({len(saved)})")
        for path in saved:
            terminalreporter.write_line(str(path))

import shutil

import pytest
from pytest_django.plugin import blocking_manager_key

from tests import shared
from tests.e2e import SCREENSHOTS
from tests.world import build_world, ensure_taxonomy
from xuncha import outbox
from xuncha.celery import app


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 with a million rounds per test user would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(request, db):
    """The places, people and first round of tests/world.py; a test that asks for shared
    records (tests/shared.py) gets their world."""
    return shared.world_of(request) or build_world()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases are built from the models (--no-migrations, pyproject.toml), so the
    rows the migrations seed (the problem taxonomy) are put in here; tests/test_migrations.py
    runs the migrations themselves."""
    with django_db_blocker.unblock():
        ensure_taxonomy()


@pytest.fixture(scope="session")
def _shared_records_session(django_db_setup, django_db_blocker):
    """Shared records still open at the end are rolled back before the test databases go."""
    yield
    with django_db_blocker.unblock():
        shared.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the first fixture of a test of another module is set up — a module-scoped one too
    (tests/campaigns' seed tests load into an empty database) — the shared records are closed."""
    with item.config.stash[blocking_manager_key].unblock():
        shared.leave(item.module.__name__)


@pytest.fixture
def _shared_records(request, _shared_records_session, django_db_blocker):
    with django_db_blocker.unblock():
        shared.enter(request)


@pytest.fixture
def _django_db_helper(_shared_records, _django_db_helper):
    """pytest-django's per-test transaction, begun inside the shared records the test asks for
    (tests/shared.py), which are opened, or closed, first."""
    return _django_db_helper


@pytest.fixture(autouse=True)
def _no_shared_records_without_a_database(request, django_db_blocker):
    if "_django_db_helper" not in request.fixturenames:
        with django_db_blocker.unblock():
            shared.close()


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never into the working tree; the files of
    the shared records a test asks for (tests/shared.py) are copied into it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if shared.world_of(request) is not None:
        shutil.copytree(shared.media(), settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _outbox_wake_ups_not_paused():
    """A broker refusal pauses a process's wake-ups (xuncha.outbox); one test's is not the next's."""
    outbox._broker_down_until = 0.0


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


def pytest_addoption(parser):
    parser.addoption(
        "--database-dependent",
        action="store_true",
        help="run only the tests whose outcome may depend on the database: those that use it, "
        "end-to-end browser tests excepted (CI's PostgreSQL stage; docs/decisions.md)",
    )


DATABASE_FIXTURES = ("db", "transactional_db", "django_db_reset_sequences", "live_server")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-dependent"):
        return
    keep, drop = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") is not None or any(
            name in item.fixturenames for name in DATABASE_FIXTURES
        )
        (keep if uses_database and item.get_closest_marker("e2e") is None else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep

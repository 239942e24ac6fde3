"""Records built once per test module and shared by its tests, as Django's setUpTestData does.

A fixture declared with `@shared` builds its records (on a fresh `world`) inside a transaction
that stays open while the module's tests that ask for it run; each test runs in a savepoint
inside it (pytest-django's own per-test transaction), so its writes are rolled back as before,
and it gets its own deep copy of the Python objects. Building a scene of a few hundred records
through the services costs seconds; dozens of tests in a module each built it again.

The shared transaction is open only while a test that asks for it runs: before any other
test — one without the fixture, a transactional one (a live server, a worker thread), or one
in another module — it is rolled back. So a test never sees records it did not ask for, and
no other connection waits on the shared transaction's locks.

    @shared
    def scene(world):
        return build_scene(world)

A test asking for `scene` (and perhaps `world`, which is then the scene's world) gets the copy.
"""

import copy
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from tests.world import build_world
from xuncha.celery import app

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class _Open:
    key: tuple[str, str]
    atomic: transaction.Atomic
    world: object
    value: object
    media: Path


_current: _Open | None = None
_copies = pytest.StashKey[tuple]()


def close() -> None:
    """Roll back the shared records, if any are open."""
    global _current
    if _current is None:
        return
    opened, _current = _current, None
    transaction.set_rollback(True)
    opened.atomic.__exit__(None, None, None)
    shutil.rmtree(opened.media, ignore_errors=True)


def _open(key, builder) -> _Open:
    global _current
    close()
    media = Path(tempfile.mkdtemp(prefix="xuncha-shared-media-"))
    atomic = transaction.atomic()
    atomic.__enter__()
    # Like TestCase's own transactions: a durable atomic block inside it is still allowed.
    atomic._from_testcase = True
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # wake-ups run here, never queue for a worker of a later test
    try:
        with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS):
            world = build_world()
            value = builder(world)
    except BaseException as exc:
        transaction.set_rollback(True)
        atomic.__exit__(type(exc), exc, exc.__traceback__)
        shutil.rmtree(media, ignore_errors=True)
        raise
    finally:
        app.conf.task_always_eager = eager
    _current = _Open(key, atomic, world, value, media)
    return _current


def leave(module: str) -> None:
    """Roll back the shared records of another module than `module`: called before any fixture
    of a test is set up, so that a module-scoped fixture (the seed commands' tests') never sees
    them."""
    if _current is not None and _current.key[0] != module:
        close()


def _is_transactional(request) -> bool:
    """pytest-django's own rule (its _django_db_helper)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = request.fixturenames
    return any(n in names for n in ("transactional_db", "live_server", "django_db_reset_sequences"))


def _builder_for(request):
    """The @shared fixture this test asks for (at most one), as the test's own module sees it."""
    found = []
    for name in request.fixturenames:
        defs = request._fixturemanager.getfixturedefs(name, request.node) or ()
        builder = getattr(defs[-1].func, "_shared_builder", None) if defs else None
        if builder is not None:
            found.append((name, builder))
    assert len(found) <= 1, f"a test may ask for one shared fixture, not {[n for n, _ in found]}"
    return found[0] if found else (None, None)


def enter(request) -> None:
    """Before the test's own transaction begins: open the shared records it asks for, or make
    sure none are open."""
    name, builder = _builder_for(request)
    if name is None or _is_transactional(request):
        close()
        return
    key = (request.node.module.__name__, name)
    if _current is None or _current.key != key:
        _open(key, builder)
    request.node.stash[_copies] = copy.deepcopy((_current.world, _current.value))


def media() -> Path | None:
    """Where the open shared records' files are (a test copies them into its own MEDIA_ROOT)."""
    return _current.media if _current is not None else None


def world_of(request):
    """The shared records' world for this test, if it asks for shared records."""
    copies = request.node.stash.get(_copies, None)
    return copies[0] if copies is not None else None


def shared(builder):
    """Declare a fixture whose records are built once per module (see the module docstring)."""

    def fixture(request, db):
        copies = request.node.stash.get(_copies, None)
        assert copies is not None, f"{builder.__name__}: shared records were not opened (a transactional test?)"
        return copies[1]

    fixture._shared_builder = builder
    fixture.__doc__ = builder.__doc__
    return pytest.fixture(name=builder.__name__)(fixture)


def running_on_commit():
    """Inside a shared builder: run each write's on-commit callbacks (the rollup refresh) at once,
    as the `django_capture_on_commit_callbacks(execute=True)` fixture does inside a test."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)

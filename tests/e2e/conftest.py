"""End-to-end tests in a real browser: Playwright for Python driving Debian's Chromium.

Playwright cannot download its own browser here, so it launches the system one
(`apt-get install chromium fonts-noto-cjk`). Where Chromium or Playwright is missing the tests
skip with a message; with REQUIRE_BROWSER=1 (set by .ci/run) a missing browser fails the run.

The app runs in pytest-django's `live_server` (a thread of this process, so the fast password
hasher that tests/conftest.py sets applies to the login form too). The live server needs
committed data, so these tests are transactional and run after the rest of the suite.

Screenshots go to var/e2e-screenshots/ (git-ignored) and are listed at the end of the run.
"""

import os
import re
from pathlib import Path

import pytest

from tests.e2e import SCREENSHOTS

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
TIMEOUT_MS = 15_000

_restore_key = pytest.StashKey[tuple]()
_report_key = pytest.StashKey[dict]()


def _no_browser(reason: str):
    message = f"end-to-end tests need a browser: {reason}"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}; REQUIRE_BROWSER=1, so this is an error", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser():
    """Chromium, launched once for the end-to-end tests and closed after the last of them:
    Playwright's sync API keeps an asyncio event loop running in this thread while it is open,
    which the tests after these need not inherit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install -r requirements-dev.txt)")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _no_browser(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")

    # Playwright's sync API runs an event loop in this thread; Django would then refuse the ORM
    # calls the tests make in it ("You cannot call this from an async context").
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session", autouse=True)
def _seeded_rows(django_db_setup, django_db_blocker) -> dict[str, str]:
    """The rows the migrations seeded (the problem taxonomy, content types), serialized per
    database, taken before the first browser test empties any table."""
    from django.db import connections

    from tests import shared

    with django_db_blocker.unblock():
        shared.close()  # the shared records of a module before are no seeded rows
    rows = {}
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is None:
            with django_db_blocker.unblock():
                contents = connection.creation.serialize_db_to_string()
        rows[connection.alias] = contents
    return rows


@pytest.fixture(autouse=True)
def _restore_seeded_rows(request, _seeded_rows, django_db_blocker):
    """Hands what pytest_runtest_teardown needs to the test item."""
    request.node.stash[_restore_key] = (_seeded_rows, django_db_blocker)


class Desk:
    """One user at one computer: a browser context of their own, logged in through the form."""

    def __init__(self, context, page, username: str):
        self.context = context
        self.page = page
        self.username = username
        self.problems: list[str] = []
        page.on("pageerror", lambda exc: self.problems.append(f"JavaScript error: {exc}"))
        page.on("console", self._check_console)
        page.on("response", self._check_response)

    def _check_console(self, message):
        # Failed loads are judged by their status in _check_response (a form with errors is a 400).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _check_response(self, response):
        # 400 is the app's answer to a form with errors; a server error or a missing asset is not
        # (the layouts name their icon, so no browser asks for a missing /favicon.ico either).
        path = re.sub(r"^https?://[^/]+", "", response.url)
        if response.status >= 500 or response.status == 404:
            self.problems.append(f"HTTP {response.status} for {path}")


@pytest.fixture
def login(request, browser, live_server, django_db_serialized_rollback):
    """`login("office")` opens a new browser context, logs in at /login/ and returns a Desk.

    The live server needs committed data, so the test is transactional; serialized rollback
    gives it the rows the migrations seeded (the problem taxonomy), which a flush removes."""
    from playwright.sync_api import expect

    from tests.world import PASSWORD

    desks: list[Desk] = []

    def log_in(username: str, password: str = PASSWORD) -> Desk:
        context = browser.new_context(
            base_url=live_server.url, viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        desk = Desk(context, page, username)
        desks.append(desk)
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        expect(page.locator("nav")).to_contain_text(username)
        return desk

    yield log_in

    failed = request.node.stash.get(_report_key, {}).get("call")
    try:
        if failed is not None and failed.failed:
            for desk in desks:
                if not desk.page.is_closed():
                    _save(desk.page, f"FAILED-{request.node.name}-{desk.username}")
        problems = [f"{d.username}: {p}" for d in desks for p in d.problems]
    finally:
        for desk in desks:
            desk.context.close()
    if problems and not (failed is not None and failed.failed):
        pytest.fail("the browser saw errors:\n" + "\n".join(problems), pytrace=False)


def _save(page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, "01-office-arranges")` saves var/e2e-screenshots/01-office-arranges.png."""
    return _save


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_report_key, {})[report.when] = report
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, the migrations' rows included, and a
    later test would find no taxonomy. So after the test's own teardown, reset the tables to
    exactly the seeded rows — unless it was the last test, whose teardown dropped the database.

    Django's serialized rollback alone is not enough: Playwright's sync API switches greenlets,
    which can hand this thread a fresh database connection object (Django keeps them in context
    variables) that no longer carries the serialized rows, and Django then skips the reload."""
    try:
        return (yield)
    finally:
        restore = item.stash.get(_restore_key, None)
        if restore is not None and nextitem is not None:
            from django.core.management import call_command
            from django.db import connections

            rows, blocker = restore
            with blocker.unblock():
                for alias, contents in rows.items():
                    call_command("flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True)
                    connections[alias].creation.deserialize_db_from_string(contents)

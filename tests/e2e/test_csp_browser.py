"""The Content Security Policy holds in a real browser: the main pages of the office and of a
leader, the htmx parts, the ECharts dashboard and the Django admin load without a single
`securitypolicyviolation` event and without console errors or warnings.

The header itself is checked in tests/test_csp.py; here Chromium enforces it, so a page that
needs an inline script or style would be broken for real, not just in a template scan.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission

from findings.models import Problem
from reports.models import ExportJob
from tests.world import build_world, fed_back

pytestmark = pytest.mark.e2e

# Runs in every document before the page's own scripts. Playwright injects it through the
# DevTools protocol, so the page's CSP does not apply to it.
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.xunchaCspViolation(
    `${e.effectiveDirective} refused ${e.blockedURI || "inline"} in ${e.sourceFile || document.URL}` +
    `:${e.lineNumber} ${e.sample || ""}`
  );
}, true);
"""


class Watch:
    """What one desk's browser reported: CSP violations and console errors or warnings."""

    def __init__(self, context, page):
        self.page = page
        self.violations: list[str] = []
        self.console: list[str] = []
        context.expose_function("xunchaCspViolation", lambda text: self.violations.append(text))
        context.add_init_script(WATCH_VIOLATIONS)
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text}")

    def visit(self, path: str):
        self.page.goto(path)
        self.settle(path)

    def settle(self, where: str):
        """Wait until the page is quiet, then insist it reported nothing.

        Quiet: loaded, no htmx part waiting for its first load or with a request in flight, and
        one more frame and task rendered (ECharts draws, the last events are dispatched). The
        report of an event reaches Python before the answer of the evaluate that follows it, on
        the same connection. Not `networkidle`, which waits half a second of silence on every page."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("() => !document.querySelector('[hx-trigger=load], .htmx-request')")
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")
        assert not self.violations, f"CSP violations on {where}:\n" + "\n".join(self.violations)
        assert not self.console, f"console messages on {where}:\n" + "\n".join(self.console)


def _expect():
    from playwright.sync_api import expect

    return expect


def _nav_paths(page) -> list[str]:
    """Every page the navigation bar links to (menus and dropdowns), in order, once each."""
    hrefs = page.locator("nav a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    paths = []
    for href in hrefs:
        path = urlsplit(href).path
        if href.startswith("/") and path not in paths:
            paths.append(path)
    return paths


def _staff(user):
    """The office user may also correct records in the Django admin."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.all())


@pytest.fixture(autouse=True)
def tasks_in_process(settings):
    """No worker runs beside these tests: tasks (rollup refreshes, exports) run in-process
    even when CELERY_BROKER_URL names a broker (CI's second run), and the figures are not
    cached between pages."""
    from xuncha.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.FIGURES_CACHE_SECONDS = 0
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def scene(settings):
    settings.EXPORT_SYNC_MAX_ROWS = 0  # every ledger export goes through the progress page
    w = build_world()
    inspection = fed_back(w)
    _staff(w.office)
    return w, inspection


def test_the_office_pages_keep_the_policy(login, scene, screenshot):
    expect = _expect()
    w, inspection = scene
    desk = login("office")
    watch = Watch(desk.context, desk.page)
    page = watch.page

    watch.visit("/")
    paths = _nav_paths(page)
    for expected in ("/inspections/", "/problems/", "/measures/", "/dashboard/", "/admin/"):
        assert expected in paths, f"{expected} is not in the office's navigation: {paths}"
    for path in paths:
        watch.visit(path)

    # Bootstrap's dropdowns (Popper places them through the CSSOM) and the bulk "select all".
    page.locator("nav .dropdown-toggle").last.click()
    expect(page.locator("nav .dropdown-menu.show")).to_be_visible()
    watch.visit("/problems/")
    page.locator("[data-select-all]").check()
    expect(page.locator(".row-select").first).to_be_checked()
    watch.settle("the problem list after select all")

    # The inspection hub and each of its tabs.
    watch.visit(f"/inspections/{inspection.pk}/")
    tabs = page.locator("ul.nav-tabs a.nav-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(tabs) >= 5, tabs
    for tab in tabs:
        watch.visit(f"/inspections/{inspection.pk}/{tab}")
        expect(page.locator("ul.nav-tabs a.nav-link.active")).to_have_attribute("href", tab)

    # The problem page.
    problem = Problem.objects.filter(inspection=inspection).order_by("pk").first()
    watch.visit(f"/problems/{problem.pk}/")
    expect(page.locator("h1")).to_contain_text(problem.title)

    # The team page: choosing a cadre asks the server (htmx) for recusal conflicts.
    watch.visit(f"/teams/{w.team.pk}/")
    page.get_by_label("干部").select_option(value=str(w.persons["other"].pk))
    expect(page.locator("#recusal-check")).to_contain_text("未发现回避冲突")
    watch.settle("the team page after the htmx recusal check")

    # An export above the synchronous limit shows the progress page (the eager worker has
    # already finished it here): a <progress> element, no inline width.
    watch.visit("/problems/")
    page.get_by_role("link", name="导出台账").click()
    expect(page).to_have_url(re.compile(r"/exports/jobs/\d+/$"))
    watch.settle(page.url)
    expect(page.locator("progress.export-bar")).to_have_attribute("value", "100")
    expect(page.get_by_role("link", name=re.compile("下载"))).to_be_visible()

    # A running export polls with htmx every second and swaps itself when the worker is done.
    job = ExportJob.objects.create(
        user=w.office, ledger="problems", status=ExportJob.Status.RUNNING, total=10, written=4
    )
    watch.visit(f"/exports/jobs/{job.pk}/")
    expect(page.locator("progress.export-bar")).to_have_attribute("value", "40")
    screenshot(page, "csp-export-running")
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, written=10, filename="问题台账.xlsx")
    expect(page.get_by_role("link", name=re.compile("问题台账.xlsx"))).to_be_visible()
    expect(page.locator("progress.export-bar")).to_have_attribute("value", "100")
    watch.settle("the export page after the htmx swap")

    # The Django admin: index, a list with filters, a change form with autocomplete widgets
    # (select2 opened), and a record's history.
    watch.visit("/admin/")
    expect(page.locator("#content h1")).to_be_visible()
    watch.visit("/admin/findings/problem/")
    watch.visit(f"/admin/findings/problem/{problem.pk}/change/")
    page.locator(".field-category .select2-selection").click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    watch.settle("the admin change form with an autocomplete open")
    screenshot(page, "csp-admin-change-form")
    watch.visit(f"/admin/campaigns/inspection/{inspection.pk}/change/")
    watch.visit(f"/admin/campaigns/round/{w.round.pk}/change/")
    page.locator(".field-start_date a[id^=calendarlink]").click()  # the admin's calendar pop-up
    expect(page.locator(".calendarbox").first).to_be_visible()
    watch.settle("the admin calendar pop-up")
    # simple_history's table, through templates/admin/history_list.html (its style attribute cut).
    watch.visit(f"/admin/findings/problem/{problem.pk}/history/")
    expect(page.locator("#change-history tbody tr").first).to_be_visible()
    expect(page.locator("p.paginator")).to_be_attached()


def test_the_leader_pages_keep_the_policy(login, scene, screenshot):
    expect = _expect()
    w, inspection = scene
    desk = login("leader")
    watch = Watch(desk.context, desk.page)
    page = watch.page

    watch.visit("/")
    paths = _nav_paths(page)
    assert "/dashboard/" in paths, paths
    for path in paths:
        watch.visit(path)

    # The dashboard draws its ECharts charts (SVG, styled through the CSSOM) under the policy.
    watch.visit("/dashboard/")
    for chart in ("coverage", "district", "round", "clue-share", "categories"):
        expect(page.locator(f"#chart-{chart} svg")).to_have_count(1)
    expect(page.locator("#chart-round svg path").first).to_be_attached()
    watch.settle("the dashboard with its charts drawn")
    # A tooltip over the first round's bars. ECharts' default HTML tooltip is markup with
    # style attributes; dashboard.js has it drawn inside the SVG instead (richText).
    chart = page.locator("#chart-round")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    chart.hover(position={"x": box["width"] * 0.3, "y": box["height"] * 0.6})
    expect(chart.locator("svg text", has_text="发现问题")).to_have_count(2)  # the legend's and the tooltip's
    watch.settle("the dashboard with a tooltip shown")
    screenshot(page, "csp-dashboard")

    watch.visit(f"/inspections/{inspection.pk}/")
    watch.visit(f"/problems/{Problem.objects.filter(inspection=inspection).first().pk}/")


def test_the_browser_enforces_the_policy_and_the_watch_sees_it(login, scene):
    """The bad path: an inline script and a style attribute are refused by Chromium and
    reported, so the tests above would notice a template that needed either."""
    desk = login("office")
    watch = Watch(desk.context, desk.page)
    page = watch.page
    watch.visit("/")

    # Resolves once Chromium has reported both refusals (the events are queued as tasks).
    refused = page.evaluate(
        """() => new Promise((resolve) => {
        const seen = [];
        document.addEventListener("securitypolicyviolation", (e) => {
            seen.push(e.effectiveDirective);
            if (seen.length === 2) resolve(seen.sort());
        });
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true;";
        document.body.appendChild(script);
        document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
    })"""
    )

    assert refused == ["script-src-elem", "style-src-attr"]
    assert page.evaluate("() => window.inlineRan") is None
    assert page.evaluate("() => getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    directives = " ".join(watch.violations)
    assert "script-src-elem" in directives, watch.violations
    assert "style-src-attr" in directives, watch.violations
    assert any("Content Security Policy" in message for message in watch.console), watch.console

    # `settle` itself, without waiting for the event: a refusal queued just before it is seen.
    watch.violations.clear()
    watch.console.clear()
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend", '<p style="color: red">y</p>')""")
    with pytest.raises(AssertionError, match="CSP violations on the page after a late style"):
        watch.settle("the page after a late style")
    # Expected here, so not a failure of the page: the login fixture fails on console errors.
    desk.problems.clear()


def test_the_login_page_keeps_the_policy(browser, live_server, django_db_serialized_rollback):
    from tests.e2e.conftest import TIMEOUT_MS, VIEWPORT

    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        watch = Watch(context, context.new_page())
        watch.visit("/login/")
        _expect()(watch.page.get_by_label("用户名")).to_be_visible()
        watch.page.get_by_label("用户名").fill("nobody")
        watch.page.get_by_label("密码").fill("wrong password")
        watch.page.get_by_role("button", name="登录").click()
        _expect()(watch.page.locator(".alert-danger")).to_be_visible()
        watch.settle("the login page after a wrong password")
    finally:
        context.close()

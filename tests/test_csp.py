"""The Content Security Policy: every response carries it, and no template needs it relaxed.

The policy forbids inline scripts, inline event handlers, javascript: URLs and style
attributes, so the templates must not contain any; the scan below fails on a new one. Whether
the pages really work under the policy is checked in Chromium (tests/e2e/test_csp_browser.py).
"""

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from accounts.models import User
from findings.models import Problem
from reports.models import ExportJob
from tests.world import fed_back

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    parts = [part.strip().split(None, 1) for part in header.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} ({response.status_code}) has no Content-Security-Policy"
    assert directives(header) == POLICY, header
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
    assert "Content-Security-Policy-Report-Only" not in response.headers


# --- The header -------------------------------------------------------------------------------


@pytest.fixture
def pages(world):
    inspection = fed_back(world)
    problem = Problem.objects.filter(inspection=inspection).first()
    job = ExportJob.objects.create(user=world.office, ledger="problems", status=ExportJob.Status.RUNNING, total=10)
    return {
        "inspection": inspection,
        "urls": [
            "/",
            "/inspections/",
            "/problems/",
            "/measures/",
            "/petitions/",
            "/clues/",
            "/teams/",
            "/organizations/",
            "/reminders/",
            "/dashboard/",
            "/reports/figures.json",
            f"/inspections/{inspection.pk}/",
            f"/inspections/{inspection.pk}/?tab=problems",
            f"/problems/{problem.pk}/",
            f"/teams/{world.team.pk}/",
            f"/exports/jobs/{job.pk}/",
        ],
    }


def test_every_page_of_the_office_carries_the_policy(client, world, pages):
    client.force_login(world.office)
    for url in pages["urls"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_policy(response)


def test_htmx_fragments_carry_the_policy_too(client, world, pages):
    client.force_login(world.office)
    job = ExportJob.objects.get(user=world.office)
    fragment = client.get(f"/exports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<progress" in fragment.content and b"<html" not in fragment.content
    assert_policy(fragment)
    check = client.get(f"/teams/{world.team.pk}/check/", {"person": world.persons["other"].pk, "role": "member"})
    assert check.status_code == 200
    assert_policy(check)


def test_the_export_progress_is_a_progress_element_without_inline_style(client, world, pages):
    client.force_login(world.office)
    job = ExportJob.objects.get(user=world.office)
    ExportJob.objects.filter(pk=job.pk).update(written=4)
    html = client.get(f"/exports/jobs/{job.pk}/").content.decode()
    assert re.search(r'<progress class="export-bar[^"]*" value="40" max="100"', html), html
    assert "style=" not in html


def test_anonymous_pages_and_refusals_carry_the_policy(client, world, pages):
    assert_policy(client.get("/login/"))
    redirect = client.get("/problems/")
    assert redirect.status_code == 302
    assert_policy(redirect)
    client.force_login(world.liaison)
    refused = client.get("/dashboard/")
    assert refused.status_code == 403
    assert_policy(refused)
    missing = client.get("/problems/999999/")
    assert missing.status_code == 404
    assert_policy(missing)


def test_the_admin_carries_the_same_policy_unrelaxed(client, world, pages):
    world.office.is_staff = True
    world.office.save(update_fields=["is_staff"])
    world.office.user_permissions.set(Permission.objects.all())
    client.force_login(world.office)
    inspection = pages["inspection"]
    for url in (
        "/admin/",
        "/admin/findings/problem/",
        f"/admin/campaigns/inspection/{inspection.pk}/change/",
        f"/admin/campaigns/inspection/{inspection.pk}/history/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_policy(response)


def test_the_admin_history_page_has_its_table_without_the_style_attribute(client, world, pages):
    """simple_history's list carries style="border-top: 0"; templates/admin/history_list.html
    includes it with that attribute cut, and nothing else of it."""
    user = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    html = client.get(f"/admin/campaigns/inspection/{pages['inspection'].pk}/history/").content.decode()
    assert '<table id="change-history"' in html
    assert '<p class="paginator">' in html
    assert "style=" not in html


def test_no_admin_turns_off_both_action_bars():
    """Django's change_list.html then writes an inline <style> block, which the policy refuses."""
    bare = [type(m).__name__ for m in admin.site._registry.values() if not (m.actions_on_top or m.actions_on_bottom)]
    assert not bare, bare


def test_htmx_is_told_not_to_inject_its_indicator_style(client, world):
    client.force_login(world.office)
    html = client.get("/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false' in html
    css = (ROOT / "static" / "css" / "xuncha.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


# --- The templates ----------------------------------------------------------------------------

COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
DATA_TYPES = ("application/json", "application/ld+json")
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
CHECKS = [
    # (what, pattern applied inside each tag)
    ("an inline event handler (on*=)", re.compile(r"\s(?:data-)?(?:hx-)?on[a-z:.-]*\s*=", re.I)),
    ("a style attribute", re.compile(r"\sstyle\s*=", re.I)),
]


def violations(text: str) -> list[str]:
    """What in a template the policy would refuse, as short descriptions."""
    text = COMMENTS.sub("", text)
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group(1)
        kind = re.search(r"""\stype\s*=\s*["']?([^"'\s>]+)""", attrs, re.I)
        if not re.search(r"\ssrc\s*=", attrs, re.I) and not (kind and kind.group(1).lower() in DATA_TYPES):
            found.append(f"an inline script: {match.group(0)}")
    if re.search(r"<style\b", text, re.I):
        found.append("a <style> block")
    if re.search(r"javascript\s*:", text, re.I):
        found.append("a javascript: URL")
    for tag in TAG.finditer(text):
        for what, pattern in CHECKS:
            if pattern.search(tag.group(0)):
                found.append(f"{what}: {tag.group(0)[:80]}")
    return found


def templates() -> list[Path]:
    """templates/ and every app's templates/ folder (third-party packages are not ours)."""
    found = set((ROOT / "templates").rglob("*.html"))
    for folder in ROOT.glob("*/templates"):
        if not folder.parent.name.startswith("."):
            found.update(folder.rglob("*.html"))
    return sorted(found)


def test_the_scan_covers_the_project_templates():
    names = {str(path.relative_to(ROOT)) for path in templates()}
    assert {
        "templates/base.html",
        "templates/reports/_export_progress.html",
        "templates/reports/dashboard.html",
    } <= names
    assert not any(".venv" in name for name in names)


def test_no_template_needs_the_policy_relaxed():
    offenders = {str(path.relative_to(ROOT)): violations(path.read_text()) for path in templates()}
    offenders = {name: found for name, found in offenders.items() if found}
    assert not offenders, "\n".join(f"{name}: {'; '.join(found)}" for name, found in offenders.items())


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("<script>alert(1)</script>", "an inline script"),
        ('<script type="text/javascript">x()</script>', "an inline script"),
        ('<script type="module">import "/x.js"</script>', "an inline script"),
        ("<SCRIPT\n  defer>x()</SCRIPT>", "an inline script"),
        ('<button onclick="go()">', "an inline event handler"),
        ('<body\n  onload="init()">', "an inline event handler"),
        ("<img src=x onerror=alert(1)>", "an inline event handler"),
        ('<button hx-on:click="go()">', "an inline event handler"),
        ('<a href="javascript:void(0)">', "a javascript: URL"),
        ('<a href="JAVASCRIPT:go()">', "a javascript: URL"),
        ('<div class="bar" style="width: {{ p }}%">', "a style attribute"),
        ("<p STYLE='color:red'>", "a style attribute"),
        ("<style>.x { color: red }</style>", "a <style> block"),
    ],
)
def test_the_scan_finds_what_the_policy_refuses(snippet, what):
    found = violations(f"{{% load i18n %}}<div>\n{snippet}\n</div>")
    assert any(item.startswith(what) for item in found), found


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/xuncha.js' %}\"></script>",
        "<script defer src=/static/x.js></script>",
        '{{ charts|json_script:"dashboard-data" }}',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<button data-confirm="确定？" data-select-all="#rows input">',
        '<div hx-get="/teams/1/check/" hx-trigger="change" hx-target="#recusal-check">',
        '<p class="text-muted">Only a button; one style; the onset of javascript work.</p>',
        '{# style="width: 1%" in a comment #}',
        "{% comment %}<script>old()</script>{% endcomment %}",
        '<!-- <div onclick="x"> -->',
    ],
)
def test_the_scan_allows_what_the_policy_allows(snippet):
    assert violations(snippet) == []

"""The role × URL matrix (DESIGN.md §1, §5): every named URL, as every principal, GET and POST.

EXPECTED (url_matrix_expected*.py) holds, per URL name and address variant, the outcome for each principal; the default
"*" is the most common outcome. A URL in the configuration without a row here fails the suite,
and so does a row for a URL that no longer exists. To print the observed matrix (to review a
change, never to paste blindly): MATRIX_WRITE=/tmp/matrix.py pytest tests/web/test_url_matrix.py
"""

import os
import pprint

import pytest
from django.db import transaction

from findings.models import ReadLog
from tests.web.url_matrix import (
    ADDRESSES,
    Principals,
    body_text,
    classify,
    compress,
    confidential_texts,
    expand,
    make_fixtures,
    observe,
    principal_users,
    sign_in,
    url_names,
)
from tests.web.url_matrix_expected import EXPECTED_A
from tests.web.url_matrix_expected_b import EXPECTED_B

pytestmark = pytest.mark.django_db

EXPECTED = {**EXPECTED_A, **EXPECTED_B}


def test_every_url_of_the_configuration_has_a_row_and_every_row_a_url():
    names = url_names()
    assert sorted(names - set(ADDRESSES)) == [], "URLs without a rule in tests/web/url_matrix.py"
    assert sorted(set(ADDRESSES) - names) == [], "rules for URLs that no longer exist"
    assert sorted(names - set(EXPECTED)) == [], "URLs without expected outcomes in EXPECTED"


GROUPS = {
    "planning_and_reports": (
        "healthz",
        "login",
        "logout",
        "set_language",
        "accounts:",
        "home",
        "reports:",
        "campaigns:",
    ),
    "findings": ("findings:",),
    "rectification": ("rectification:",),
    "documents": ("documents:",),
    "public": ("public:",),
}


@pytest.fixture(autouse=True)
def _public_limits_out_of_the_way(settings):
    """Every principal posts from 127.0.0.1: the public page's rate limits (tests/public) would
    turn the later rows into 429."""
    from django.core.cache import cache

    settings.PUBLIC_RATE_PER_ADDRESS = settings.PUBLIC_RATE_GLOBAL = 10**6
    settings.PUBLIC_QUERY_RATE_PER_ADDRESS = 10**6
    cache.clear()


@pytest.mark.parametrize("group", GROUPS)
def test_each_principal_gets_exactly_the_expected_outcome(scene, group):
    fixtures = make_fixtures(scene)
    principals = Principals(principal_users(scene))
    names = sorted(n for n in ADDRESSES if n.startswith(GROUPS[group]))
    observed: dict[str, dict[str, dict[str, str]]] = {}
    wrong: list[str] = []
    unlogged: list[str] = []
    for name in names:
        for variant, path in ADDRESSES[name](fixtures).items():
            seen = observe(principals, path, unlogged)
            observed.setdefault(name, {})[variant] = {m: compress(seen[m]) for m in ("GET", "POST")}
            want = EXPECTED.get(name, {}).get(variant)
            if want is None:
                wrong.append(f"{name} [{variant}] has no expected row")
                continue
            for method in ("GET", "POST"):
                expected = expand(want[method])
                diff = {k: (expected[k], seen[method][k]) for k in expected if expected[k] != seen[method][k]}
                if diff:
                    wrong.append(f"{method} {path} ({name} [{variant}]): expected→got {diff}")
    if os.environ.get("MATRIX_WRITE"):
        with open(f"{os.environ['MATRIX_WRITE']}.{group}", "w") as out:
            out.write(pprint.pformat(observed, width=160, sort_dicts=True))
    assert not wrong, "\n".join(wrong)
    assert not unlogged, "a petition's or clue's text shown without a read-log row:\n" + "\n".join(unlogged)


# --- Rules the table must obey, whatever it says (DESIGN.md §1, §5) ----------------------------

PLACE_B = ("office_b", "leader_b", "b_leader", "b_deputy", "b_member", "liaison_b", "discipline_b")
ROLELESS = ("nobody", "superuser")  # a superuser administers the system; it is no office staff
GRANTED = {"200", "302", "400"}
CONFIDENTIAL = ("findings:petition", "findings:clue", "rectification:evidence")
# Record addresses: a record of place A in the path (everything but lists and fixed pages).
RECORD_URLS = (
    {name for name in EXPECTED if any(v for v in EXPECTED[name])}
    - {
        "reports:export_ledger",
        "reports:import_upload",
        "reports:import_template",
        "reports:import_confirm",
        "reports:export_job",
        "reports:export_job_download",
        "findings:problem_sign",
        # Team A belongs to the city's round: the city's plan, which both districts' offices read.
        "campaigns:team_detail",
        # …and its review notes' pages, which show office_b and leader_b none of place A's notes.
        "findings:team_review_notes",
        "findings:team_review_summary",
    }
    - {name for name in EXPECTED if name.startswith("public:")}
)  # 码上巡察: open to everyone by design


def outcomes(name: str):
    for variant, methods in EXPECTED[name].items():
        for method, spec in methods.items():
            yield variant, method, expand(spec)


def test_place_b_never_reaches_a_record_of_place_a():
    leaks = [
        (name, variant, method, who, got)
        for name in RECORD_URLS | {"findings:problem_sign"}
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if who in PLACE_B and got in GRANTED
    ]
    assert not leaks


def test_confidential_records_are_never_confirmed_to_exist_by_a_refusal():
    """Outside the circle a petition, a clue or a piece of evidence is "not found", never
    "forbidden": a 403 would tell that the number exists."""
    confirmations = [
        (name, variant, method, who)
        for name in EXPECTED
        if name.startswith(CONFIDENTIAL) and not name.endswith(("_list", "_create"))
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if got == "403" and who not in ("leader",) and who not in TEAM_SIDE_A
    ]
    assert not confirmations


TEAM_SIDE_A = ("office", "office_a", "team_leader", "team_deputy", "team_member")


def test_unit_liaisons_never_open_a_petition_or_a_clue():
    opened = [
        (name, variant, method, who)
        for name in EXPECTED
        if name.startswith(("findings:petition", "findings:clue")) or name.endswith(("petitions", "clues"))
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if who.startswith("liaison") and got in GRANTED
    ]
    opened += [
        ("reports:export_ledger", key, method, who)
        for key in ("petitions", "clues")
        for method, spec in EXPECTED["reports:export_ledger"][key].items()
        for who, got in expand(spec).items()
        if who.startswith("liaison") and got in GRANTED
    ]
    assert not opened


def test_roleless_accounts_and_visitors_get_nothing_but_the_public_pages():
    public = {"healthz", "login", "logout", "set_language"} | {n for n in EXPECTED if n.startswith("public:")}
    # One's own sessions, password and reminders: every signed-in account has them.
    own_account = {name for name in EXPECTED if name.startswith("accounts:")} | {"reports:reminders"}
    reached = [
        (name, variant, method, who, got)
        for name in set(EXPECTED) - public - own_account
        for variant, method, table in outcomes(name)
        for who, got in table.items()
        if who in (*ROLELESS, "anonymous") and got in GRANTED and name != "home"
    ]
    assert not reached
    for _variant, _method, table in outcomes("home"):
        assert table["anonymous"] == "login"


def test_the_admin_site_is_for_superusers_and_staff_only(scene, client):
    from django.contrib import admin

    users = principal_users(scene)
    wrong = []
    for model in admin.site._registry:
        opts = model._meta
        path = f"/admin/{opts.app_label}/{opts.model_name}/"
        for key, user in users.items():
            sign_in(client, user)
            got = classify(client.get(path))
            want = "200" if key == "superuser" else "login"
            if got != want:
                wrong.append((path, key, want, got))
    assert not wrong


def admin_paths(model, record) -> dict[str, str]:
    """Every URL pattern of a model's admin, filled in with one record (and its latest history
    row): {pattern: path}."""
    from django.contrib import admin

    opts = model._meta
    history = getattr(record, "history", None)
    history_id = str(history.order_by("-history_id").values_list("history_id", flat=True).first()) if history else ""
    paths = {}
    for pattern in admin.site._registry[model].get_urls():
        route = str(pattern.pattern)
        path = route.replace("^([^/]+)/history/([^/]+)/$", f"{record.pk}/history/{history_id}/")
        path = path.replace("<path:object_id>", str(record.pk))
        assert "<" not in path and "(" not in path, f"a pattern this walk cannot fill in: {route}"
        paths[route] = f"/admin/{opts.app_label}/{opts.model_name}/{path}"
    return paths


def test_every_admin_page_that_shows_a_petition_or_a_clue_writes_the_read_log(scene):
    """Issue 22 (item 4): the admin's history pages showed a petition's and a clue's full text and
    wrote no read-log row. Every URL pattern of every admin of the findings app, as a superuser."""
    from django.contrib import admin

    principals = Principals({"superuser": principal_users(scene)["superuser"]})
    secrets = confidential_texts()
    unlogged, shown = [], set()
    for model in [m for m in admin.site._registry if m._meta.app_label == "findings"]:
        record = model.objects.order_by("pk").first()
        if record is None:
            continue
        for route, path in admin_paths(model, record).items():
            client = principals.client("superuser")
            with transaction.atomic():
                before = ReadLog.objects.count()
                response = client.get(path)
                if response.status_code == 200 and any(s in body_text(response) for s in secrets):
                    shown.add((model.__name__, route))
                    if ReadLog.objects.count() == before:
                        unlogged.append(path)
                transaction.set_rollback(True)
    assert unlogged == []
    # Not vacuous: the change page and the history pages of both show their text.
    for name in ("Petition", "Clue"):
        assert {(name, "<path:object_id>/change/"), (name, "^([^/]+)/history/([^/]+)/$")} <= shown, shown

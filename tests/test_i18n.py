"""The English interface: the language cookie switches it on, the browser's language does not,
and the committed catalogue (locale/en/LC_MESSAGES/django.po + .mo) translates every UI string.

The catalogue checks read the .po with the small parser below (no polib, no GNU gettext), so they
run on a fresh machine. When one fails: `make messages`, translate the empty msgstr lines it lists,
`make messages` again (compiles the .mo), and commit both files."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
HOW_TO_FIX = (
    "\nRun `make messages` (needs GNU gettext: apt-get install gettext), translate every empty msgstr "
    f"in {PO_FILE.relative_to(settings.BASE_DIR)}, run `make messages` again to compile the .mo, "
    "and commit both django.po and django.mo."
)

CJK = re.compile(r"[\u3400-\u9fff]")

# The office user's top navigation (xuncha/navigation.py).
NAV_ZH = ["工作台", "巡察", "问题", "信访件", "问题线索", "整改措施", "更多", "计划"]
NAV_EN = ["Workbench", "Inspection", "Problem", "Petition", "Clue", "Rectification measure", "More", "Planning"]


@pytest.fixture(autouse=True)
def restore_language():
    """CookieLanguageMiddleware activates a language for the thread and leaves it active: put
    the default back so an English request here cannot change what later tests see."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def navbar(response) -> str:
    html = response.content.decode()
    match = re.search(r'<nav class="navbar.*?</nav>', html, re.S)
    assert match, "no navbar in the page"
    return match.group(0)


def nav_links(response) -> list[str]:
    return [
        label.strip()
        for label in re.findall(r'class="(?:nav-link|dropdown-item)[^"]*"[^>]*>([^<]+)<', navbar(response))
    ]


# --- The language switch ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/problems/"])
def test_english_with_the_language_cookie(client, world, url):
    client.force_login(world.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Inspection Work Management System" in html
    links = nav_links(response)
    for label in NAV_EN:
        assert label in links, f"{label!r} missing from the English navigation {links}"
    nav = navbar(response)
    leftovers = [label for label in NAV_ZH if label in nav]
    leftovers += [label for label in links if CJK.search(label) and label not in leftovers]
    assert not leftovers, f"Chinese navigation labels in the English page: {leftovers}"


def test_english_problem_list(client, world):
    client.force_login(world.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/problems/").content.decode()

    for text in ["Problem summary", "Inspected Party organization", "Discovery method", "Filter", "Keyword"]:
        assert text in html
    for text in ["问题概述", "被巡察党组织", "发现方式", "筛选", "关键词"]:
        assert text not in html


def test_chinese_without_the_cookie_whatever_the_browser_language(client, world):
    client.force_login(world.office)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作台" in navbar(response)
    assert "问题" in nav_links(response)
    assert "Workbench" not in html
    assert "Inspection Work Management System" not in html


def test_unknown_language_in_the_cookie_falls_back_to_chinese(client, world):
    client.force_login(world.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/problems/")

    assert response["Content-Language"] == "zh-hans"
    assert "工作台" in navbar(response)


def test_the_switch_in_the_menu_sets_the_cookie(client, world):
    client.force_login(world.office)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/problems/"})

    assert response.status_code == 302
    assert response["Location"] == "/problems/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Workbench" in nav_links(client.get("/problems/"))

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "工作台" in nav_links(client.get("/"))


# --- The catalogue ----------------------------------------------------------------------------


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (list), flags, refs.
    Obsolete entries (#~) are skipped; the header (empty msgid) is kept."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def finish():
        nonlocal entry, key
        if "msgid" in entry:
            entry.setdefault("msgstr", [])
            entries.append(entry)
        entry, key = {}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                finish()
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#:"):
                entry.setdefault("refs", []).extend(line[2:].split())
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
            if key == "msgstr":
                entry["msgstr"][-1] += text
            else:
                entry[key] += text
            continue
        word, _space, rest = line.partition(" ")
        text = ast.literal_eval(rest)
        if word.startswith("msgstr"):
            key = "msgstr"
            entry.setdefault("msgstr", []).append(text)
        else:
            if word == "msgctxt" and "msgid" in entry:
                finish()
            key = word
            entry[key] = text
    finish()
    return entries


def catalogue() -> list[dict]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing." + HOW_TO_FIX
    return [e for e in parse_po(PO_FILE) if e["msgid"]]


def describe(entry: dict) -> str:
    where = " ".join(entry.get("refs", [])[:3])
    return f"  {entry['msgid']!r}  ({where})"


def test_every_message_is_translated():
    entries = catalogue()
    assert len(entries) > 400, "the catalogue looks truncated"
    untranslated = [e for e in entries if not e["msgstr"] or not all(e["msgstr"])]
    fuzzy = [e for e in entries if "fuzzy" in e.get("flags", set())]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} message(s) without an English translation:")
        problems += [describe(e) for e in untranslated]
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy message(s) (check the guess, then delete the '#, fuzzy' line):")
        problems += [describe(e) for e in fuzzy]
    assert not problems, "\n".join(problems) + HOW_TO_FIX


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%(?:\([^)]+\))?[sdif]|\{[^{}]*\}")
    wrong = []
    for e in catalogue():
        expected = sorted(placeholder.findall(e["msgid"]))
        for text in e["msgstr"]:
            if text and sorted(placeholder.findall(text)) != expected:
                wrong.append(f"  {e['msgid']!r} -> {text!r}")
    assert not wrong, "translations that lose or add placeholders:\n" + "\n".join(wrong)


def test_compiled_catalogue_matches_the_po():
    """The .mo is committed (a fresh machine may lack msgfmt): it must not lag behind the .po."""
    assert MO_FILE.exists(), f"{MO_FILE} is missing." + HOW_TO_FIX
    with MO_FILE.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in catalogue():
        if "fuzzy" in e.get("flags", set()) or not all(e["msgstr"]):
            continue  # reported by test_every_message_is_translated
        msgid, ctx = e["msgid"], e.get("msgctxt")
        if "msgid_plural" in e:
            forms = [
                mo.npgettext(ctx, msgid, e["msgid_plural"], n) if ctx else mo.ngettext(msgid, e["msgid_plural"], n)
                for n in (1, 2)
            ]
            ok = forms == e["msgstr"][:2]
        else:
            ok = (mo.pgettext(ctx, msgid) if ctx else mo.gettext(msgid)) == e["msgstr"][0]
        if not ok:
            stale.append(describe(e))
    assert not stale, "django.mo is older than django.po for:\n" + "\n".join(stale) + HOW_TO_FIX


# What makemessages extracts (xgettext keywords Django passes, plus xgettext's own for Python).
KEYWORDS = {
    "_": ("msgid",),
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "msgid_plural"),
    "ngettext_lazy": ("msgid", "msgid_plural"),
    "pgettext": ("msgctxt", "msgid"),
    "pgettext_lazy": ("msgctxt", "msgid"),
    "npgettext": ("msgctxt", "msgid", "msgid_plural"),
    "npgettext_lazy": ("msgctxt", "msgid", "msgid_plural"),
}
SKIP_DIRS = {".venv", "tests", "locale", "node_modules", "__pycache__"}
TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\(")
TEMPLATE_ARG = re.compile(r"""\s*(u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))\s*,?""")


def source_files():
    base = Path(settings.BASE_DIR)
    skip = {base / "static" / "vendor", Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)}

    def walk(folder: Path):
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                if path.name.startswith(".") or path.name in SKIP_DIRS or path in skip:
                    continue
                yield from walk(path)
            elif path.suffix in {".py", ".html", ".txt"}:
                yield path

    yield from walk(base)


def python_messages(source: str):
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        roles = KEYWORDS.get(name)
        if not roles or len(node.args) < len(roles):
            continue
        args = node.args[: len(roles)]
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            found = dict(zip(roles, (a.value for a in args), strict=True))
            yield found.get("msgctxt"), found["msgid"], node.lineno


def template_messages(source: str):
    code = templatize(source)
    for match in TEMPLATE_CALL.finditer(code):
        roles = KEYWORDS[match.group(1)]
        strings, pos = [], match.end()
        while len(strings) < len(roles) and (arg := TEMPLATE_ARG.match(code, pos)):
            strings.append(ast.literal_eval(arg.group(1)))
            pos = arg.end()
        found = dict(zip(roles, strings, strict=False))
        yield found.get("msgctxt"), found["msgid"], code.count("\n", 0, match.start()) + 1


def test_every_marked_string_is_in_the_catalogue():
    """A new {% translate %}, {% blocktranslate %} or _() string must reach the .po (and so
    get a translation): this fails until someone runs `make messages`."""
    known = {(e.get("msgctxt"), e["msgid"]) for e in catalogue()}
    base = Path(settings.BASE_DIR)
    missing: dict[tuple, list[str]] = {}
    for path in source_files():
        source = path.read_text(encoding="utf-8")
        found = python_messages(source) if path.suffix == ".py" else template_messages(source)
        for ctx, msgid, line in found:
            if msgid and (ctx, msgid) not in known:
                missing.setdefault((ctx, msgid), []).append(f"{path.relative_to(base)}:{line}")
    lines = [
        f"  {msgid!r}{f' (context {ctx!r})' if ctx else ''}  ({' '.join(refs[:3])})"
        for (ctx, msgid), refs in missing.items()
    ]
    assert not missing, f"{len(missing)} marked string(s) not in the catalogue yet:\n" + "\n".join(lines) + HOW_TO_FIX

"""The layers of docs/architecture.md, read from the code's own imports (ast): no module imports
an app above its own, and the project package imports none but in its URL and Celery roots.
Also the size rules: no source file over 600 lines, no function over 60 outside the demo."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. Apps on one layer do not import each other.
LAYERS = [
    ("xuncha",),
    ("outbox",),
    ("accounts",),
    ("campaigns",),
    ("findings",),
    ("rectification",),
    ("reports", "documents", "public"),
    ("demo",),
]
LAYER = {app: n for n, apps in enumerate(LAYERS) for app in apps}
# The project's roots: they wire every app together, so they may name any.
ROOTS = {"xuncha/urls.py", "xuncha/celery.py"}
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 60


def sources(root: Path = ROOT, *, with_tests: bool = False) -> list[Path]:
    tops = list(LAYER) + (["tests", "bench"] if with_tests else [])
    return sorted(
        path for top in tops for path in (root / top).rglob("*.py") if "migrations" not in path.relative_to(root).parts
    )


def imported_apps(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        out += [(node.lineno, name.split(".")[0]) for name in names if name.split(".")[0] in LAYER]
    return out


def upward_imports(root: Path = ROOT) -> list[str]:
    found = []
    for path in sources(root):
        rel = path.relative_to(root).as_posix()
        if rel in ROOTS:
            continue
        own = rel.split("/")[0]
        for lineno, app in imported_apps(path):
            if app != own and LAYER[app] >= LAYER[own]:
                found.append(f"{rel}:{lineno} {own} imports {app}")
    return found


def test_no_import_runs_upward_or_sideways():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The rule is not vacuous: a lower app naming a higher one is caught. The probe is written
    in a tree of its own, never in the source tree, where a test running beside it would read it."""
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "_layer_probe.py").write_text("from findings.models import Problem\n", encoding="utf-8")
    (tmp_path / "findings").mkdir()
    (tmp_path / "findings" / "views.py").write_text("from accounts.models import User\n", encoding="utf-8")
    assert upward_imports(tmp_path) == ["accounts/_layer_probe.py:1 accounts imports findings"]


def test_every_app_is_placed_on_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYER), f"add to LAYERS in tests/test_layers.py: {sorted(apps - set(LAYER))}"


@pytest.mark.parametrize("kind", ["files", "functions"])
def test_sizes(kind):
    too_big = []
    for path in sources(with_tests=True):
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if kind == "files":
            lines = text.count("\n")
            if lines > MAX_FILE_LINES:
                too_big.append(f"{rel}: {lines} lines")
            continue
        if rel.startswith(("demo/", "tests/", "bench/")):
            continue  # the generator's plans and the tests' scenes read top to bottom
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_big.append(f"{rel}:{node.lineno} {node.name}: {length} lines")
    assert too_big == []

"""The migrations build the schema the models declare, and seed what the models cannot.

The suite's test databases are built straight from the models (`--no-migrations` in
pyproject.toml: about 1 s per test worker instead of 10–12 s of migration state rendering),
so the migrations themselves run here, the way `make run` runs them: `manage.py migrate` on a
fresh SQLite file. On PostgreSQL CI's smoke test (.ci/smoke) migrates a fresh database before
it seeds the demo and serves it; `makemigrations --check` (.ci/run) proves that the migrations
describe the models.
"""

import sqlite3
from pathlib import Path

from django.apps import apps

from findings.taxonomy import TAXONOMY
from tests.processes import manage


def _migrate(path: Path) -> None:
    result = manage("migrate", "--no-input", "-v", "0", timeout=300, DATABASE_URL=f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr[-3000:]


def _declared() -> dict[str, set[str]]:
    """{table: columns} of every model the project and its libraries declare, the automatic
    many-to-many tables included."""
    tables: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        tables.setdefault(meta.db_table, set()).update(f.column for f in meta.local_concrete_fields)
    return tables


def _named_in_models() -> set[str]:
    return {
        item.name
        for model in apps.get_models()
        for item in (*model._meta.indexes, *model._meta.constraints)
        if item.name
    }


def test_the_migrations_build_the_tables_columns_indexes_and_rows_the_models_declare(tmp_path):
    path = tmp_path / "migrated.sqlite3"
    _migrate(path)
    with sqlite3.connect(path) as db:
        built = {
            table: {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not table.startswith("sqlite_")
        }
        schema = "\n".join(sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        categories = db.execute("SELECT COUNT(*) FROM findings_problemcategory").fetchone()[0]
    declared = _declared()
    assert sorted(set(declared) - set(built)) == [], "tables the models declare and the migrations do not build"
    wrong = {
        t: (sorted(declared[t] - built[t]), sorted(built[t] - declared[t])) for t in declared if built[t] != declared[t]
    }
    assert wrong == {}, "columns (missing, extra) per table"
    # Indexes are created under their names; check constraints are written into the tables' SQL.
    assert sorted(n for n in _named_in_models() if f'"{n}"' not in schema) == []
    assert categories == len(TAXONOMY) + sum(len(children) for _, _, children in TAXONOMY)

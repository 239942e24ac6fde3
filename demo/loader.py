"""Streaming rows into tables: COPY on PostgreSQL, batched executemany elsewhere (SQLite).

The province seed generates plain tuples and hands them here table by table, parents before
children, with ids it assigned itself. Nothing here knows the domain: a `Table` is a model and
the fields one row carries, checked against the model so that a new NOT NULL column fails
loudly here rather than as an obscure COPY error.

On PostgreSQL the foreign-key triggers are switched off for the session while loading
(`session_replication_role = replica`, a superuser setting; without the right the triggers
simply stay on) and every foreign key of every loaded table is then verified with one
anti-join each, so a dangling id still aborts the load. Check, unique and NOT NULL
constraints are enforced by COPY itself, row by row.
"""

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import NOT_PROVIDED
from django.utils import timezone

BATCH = 5000


class LoadError(Exception):
    """The rows do not fit the schema (message in Chinese, for CommandError)."""


class Table:
    def __init__(self, model, fields: Iterable[str]):
        self.model = model
        self.fields = list(fields)
        self.name = model._meta.db_table
        self.columns = [model._meta.get_field(f).column for f in self.fields]
        self.datetime_positions = [
            i for i, f in enumerate(self.fields) if model._meta.get_field(f).get_internal_type() == "DateTimeField"
        ]
        required = {
            f.name
            for f in model._meta.concrete_fields
            if not f.null and f.default is NOT_PROVIDED and f.db_default is NOT_PROVIDED
        }
        missing = required - set(self.fields) - {f.name for f in model._meta.concrete_fields if f.primary_key}
        if missing or "id" not in self.fields:
            raise LoadError(f"{self.name} 缺少必填列：{sorted(missing) or ['id']}")


class Loader:
    """Writes rows and keeps, per table, the rows written and the seconds spent."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self.tables: dict[str, Table] = {}
        self.triggers_off = False
        self.deferred_indexes: list[tuple[str, str]] = []

    # --- ids and sequences -------------------------------------------------------------------

    def next_id(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}")
            return cursor.fetchone()[0]

    def reset_sequences(self) -> None:
        """Point each identity sequence past the ids written (SQLite's AUTOINCREMENT follows by itself)."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for name in self.tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                    f"FROM {connection.ops.quote_name(name)}",
                    [name],
                )

    # --- foreign keys ------------------------------------------------------------------------

    def foreign_keys_off(self) -> None:
        if not self.postgres:
            return  # SQLite checks deferred foreign keys at commit, cheaply enough at small scales
        with connection.cursor() as cursor:
            # Checks pending from earlier in the transaction (a --flush) run now: an index cannot
            # be rebuilt on a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET session_replication_role = replica")
                self.triggers_off = True

    def foreign_keys_on(self) -> None:
        if self.triggers_off:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
            self.triggers_off = False

    def verify_foreign_keys(self) -> float:
        """Every foreign key of every loaded table points at an existing row, or LoadError."""
        started = time.monotonic()
        quote = connection.ops.quote_name
        broken = []
        with connection.cursor() as cursor:
            for table in self.tables.values():
                for field in table.model._meta.concrete_fields:
                    if not field.is_relation or not field.db_constraint:
                        continue
                    target = field.related_model._meta
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quote(table.name)} c WHERE c.{quote(field.column)} IS NOT NULL "
                        f"AND NOT EXISTS (SELECT 1 FROM {quote(target.db_table)} p "
                        f"WHERE p.{quote(target.pk.column)} = c.{quote(field.column)})"
                    )
                    dangling = cursor.fetchone()[0]
                    if dangling:
                        broken.append(f"{table.name}.{field.column}：{dangling} 行")
        if broken:
            raise LoadError("外键指向不存在的记录：" + "；".join(broken))
        return time.monotonic() - started

    # --- indexes -----------------------------------------------------------------------------

    def defer_indexes(self, models) -> None:
        """Drop the plain indexes of these (empty) tables until `restore_indexes`.

        Building an index once over sorted rows is several times cheaper than growing it row by
        row. Primary keys and unique constraints stay (they are constraints, and guard the
        load); each dropped index is recreated from its own `pg_get_indexdef`, so the schema
        ends exactly as the migrations left it. All inside the caller's transaction: a failed
        load rolls the drops back too.
        """
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                    "AND NOT i.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                    [connection.ops.quote_name(model._meta.db_table)],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                    self.deferred_indexes.append((name, definition))

    def restore_indexes(self) -> None:
        if not self.deferred_indexes:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            while self.deferred_indexes:
                _name, definition = self.deferred_indexes.pop(0)
                cursor.execute(definition)

    # --- writing -----------------------------------------------------------------------------

    def write(self, table: Table, rows: Iterable[tuple]) -> int:
        """Write rows (tuples in `table.fields` order); returns how many."""
        self.tables.setdefault(table.name, table)
        started = time.monotonic()
        n = self._copy(table, rows) if self.postgres else self._insert(table, rows)
        self.rows[table.name] += n
        self.seconds[table.name] += time.monotonic() - started
        return n

    def _copy(self, table: Table, rows) -> int:
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) FROM STDIN"
        n = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)
                n += 1
        return n

    def _insert(self, table: Table, rows) -> int:
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) "
            f"VALUES ({', '.join(['%s'] * len(table.columns))})"
        )
        positions = table.datetime_positions
        n, batch = 0, []
        with connection.cursor() as cursor:
            for row in rows:
                if positions:  # stored as naive UTC text, as the ORM would
                    row = list(row)
                    for i in positions:
                        if row[i] is not None:
                            row[i] = timezone.make_naive(row[i], dt.UTC).isoformat(" ")
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    n, batch = n + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
        return n

    def analyze(self, *models) -> None:
        """Fresh statistics: without them the planner takes million-row tables for empty ones."""
        if self.postgres:
            with connection.cursor() as cursor:
                if models:
                    for model in models:
                        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                else:
                    cursor.execute("ANALYZE")

"""Bulk writes that keep the analytics rollups current without paying their triggers row by row.

The rollup triggers (``storage/rollups.py``) add each written row's contribution in the writing
transaction: on SQLite one to four upserts per row. A bulk write here switches the rollup triggers
of the written table off *inside its own transaction*, writes the batch, and adds the batch's
contribution with the same contribution queries the triggers run (``change_statements``), once
per batch over the batch's rows, before the transaction commits:

- ``bulk_insert(session, Model, rows)``: a Core insert of new rows (no ORM events, so no PII
  masking: the caller masks, or the rows are synthetic), as the benchmark generator writes;
- ``with ticket_batch(session, ids): ...``: ORM upserts of the tickets ``ids``: their rows before
  and after count -1 and +1, as the update trigger counts them (a changed channel moves the
  ticket's suggestions). ``kms ingest`` and the helpdesk imports do not use it: they write 100
  tickets a transaction through the ORM, where the triggers cost about what switching them off
  and on costs (3,000 tickets inserted, then updated: SQLite 2.53 s / 2.79 s with the triggers,
  2.53 s / 2.98 s in batches; PostgreSQL no faster either).

Crash-safe without a marker: switching triggers off is transactional DDL (SQLite ``DROP`` and
``CREATE TRIGGER``, PostgreSQL ``ALTER TABLE ... DISABLE`` / ``ENABLE TRIGGER``), inside a
savepoint of the caller's transaction. A process that dies anywhere in between, or an exception
(the savepoint is rolled back even when the caller goes on and commits), leaves the triggers on,
the batch unwritten and the rollups as they were.

Concurrent writers lose nothing: on SQLite the transaction takes the write lock first (``BEGIN
IMMEDIATE``) and holds it to the commit. On PostgreSQL ``ALTER TABLE ... DISABLE TRIGGER`` takes a
``SHARE ROW EXCLUSIVE`` lock on the written table until the commit: other writers of that table
wait for the batch (readers do not), and their own triggers then run as usual; writers of the other
tables keep their triggers meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, column, insert, table
from sqlalchemy.orm import Session

from storage.rollups import SOURCE_COLUMNS, change_statements

__all__ = ["bulk_insert", "ticket_batch", "triggers_off"]

_KEYS, _NEW, _OLD = "kms_bulk_keys", "kms_bulk_new", "kms_bulk_old"


def _trigger(table: str, event: str) -> str:
    return f"kms_rollup_{table}_{event}"


def _write_lock(conn: Connection) -> None:
    """SQLite: make sure the transaction has begun, with the write lock (the driver begins one
    only before DML; DDL run outside one would commit on its own)."""
    if conn.dialect.name == "sqlite":
        raw: Any = conn.connection.dbapi_connection
        if not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def triggers_off(conn: Connection, table: str, events: Sequence[str] = ("insert",)) -> Iterator[None]:
    """The rollup triggers of ``events`` on ``table`` are off within the block, in the current
    transaction of ``conn`` (which must be open, SQLite's with the write lock: ``_write_lock``).
    They are back on after it; after an exception, only the rollback brings them back."""
    names = [_trigger(table, event) for event in events]
    if conn.dialect.name == "sqlite":
        saved = [
            conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
            ).scalar_one_or_none()
            for name in names
        ]
        for name, sql in zip(names, saved, strict=True):
            if sql is not None:
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        yield
        for sql in saved:
            if sql is not None:
                conn.exec_driver_sql(sql)
        return
    for name in names:
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
    yield
    for name in names:
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {name}")


def _key_table(conn: Connection, keys: Sequence[Any], integer: bool) -> None:
    kind = ("BIGINT" if conn.dialect.name == "postgresql" else "INTEGER") if integer else "TEXT"
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {_KEYS} (k {kind} PRIMARY KEY)")
    if keys:
        conn.execute(insert(table(_KEYS, column("k"))), [{"k": k} for k in dict.fromkeys(keys)])


def _rows_of(conn: Connection, name: str, into: str) -> None:
    """Copy the source columns of ``name``'s rows whose key is in the key table into ``into``."""
    columns = ", ".join(f"t.{c}" for c in SOURCE_COLUMNS[name])
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {into} AS SELECT {columns} FROM {name} AS t "
        f"WHERE t.id IN (SELECT k FROM {_KEYS})"
    )
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {into}")


def _drop(conn: Connection, *names: str) -> None:
    for name in names:
        conn.exec_driver_sql(f"DROP TABLE {name}")


def bulk_insert(session: Session, model: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` into ``model``'s table (one Core insert) with its rollup insert trigger
    off, then add their contributions to the rollups: the same sums, in the same transaction."""
    target = model.__table__
    name = target.name
    if not rows:
        return
    if name not in SOURCE_COLUMNS:
        session.execute(insert(target), list(rows))
        return
    _write_lock(session.connection())
    with session.begin_nested():
        conn = session.connection()
        with triggers_off(conn, name):
            if all("id" in row for row in rows):
                session.execute(insert(target), list(rows))
                keys: list[Any] = [row["id"] for row in rows]
            else:
                keys = list(session.scalars(insert(target).returning(target.c.id), list(rows)))
            _key_table(conn, keys, integer=name == "feedback")
            _rows_of(conn, name, _NEW)
            for statement in change_statements(conn.dialect.name, name, "insert", _NEW, ""):
                conn.exec_driver_sql(statement)
            _drop(conn, _NEW, _KEYS)


def _same(conn: Connection, a: str, b: str) -> str:
    if conn.dialect.name == "postgresql":
        return f"{a} IS NOT DISTINCT FROM {b}"
    return f"{a} IS {b}"


def _text(column_: str) -> str:
    return f"CAST({column_} AS TEXT)" if column_.endswith(".tags") else column_  # JSON: no = on PostgreSQL


@contextmanager
def ticket_batch(session: Session, ids: Sequence[str]) -> Iterator[None]:
    """Within the block the caller inserts or updates the tickets ``ids`` (and no other ticket)
    through ``session``; their rollups are updated once at its end: each changed ticket's row
    before the block counts -1, its row after +1 (unchanged ones are left out)."""
    _write_lock(session.connection())
    with session.begin_nested():
        conn = session.connection()
        with triggers_off(conn, "tickets", ("insert", "update")):
            _key_table(conn, list(ids), integer=False)
            _rows_of(conn, "tickets", _OLD)
            yield
            session.flush()
            _rows_of(conn, "tickets", _NEW)
            same = " AND ".join(
                _same(conn, _text(f"n.{c}"), _text(f"o.{c}")) for c in SOURCE_COLUMNS["tickets"]
            )
            unchanged = f"SELECT n.id FROM {_NEW} AS n JOIN {_OLD} AS o ON o.id = n.id WHERE {same}"
            conn.exec_driver_sql(f"DELETE FROM {_KEYS} WHERE k IN ({unchanged})")
            for rel in (_NEW, _OLD):
                conn.exec_driver_sql(f"DELETE FROM {rel} WHERE id NOT IN (SELECT k FROM {_KEYS})")
            for statement in change_statements(conn.dialect.name, "tickets", "update", _NEW, _OLD):
                conn.exec_driver_sql(statement)
            _drop(conn, _NEW, _OLD, _KEYS)

"""A fifth hand-off reason: the fix the assistant gave did not help (``fix_failed``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

After an answer, "시키신 대로 다 해 봤는데 그래도 똑같아요" is handed to an agent
(``korean.followup.reports_no_fix``). The query log kept it as ``no_answer`` (no sentence of the
closest articles answers it), which the report then counted as a gap in the knowledge base;
``fix_failed`` counts it as what it is: an answer that did not solve the customer's problem.

The CHECK on ``query_logs.handoff_reason`` (0013) gains the code. PostgreSQL drops and re-creates
the constraint. SQLite cannot alter a constraint, so the table is rebuilt the way SQLite documents
("Making Other Kinds Of Table Schema Changes"): the new table is created from the stored
``CREATE TABLE`` with only the constraint's list changed, the rows copied, the old table dropped,
the new one renamed, its indexes re-created from their stored SQL; foreign keys are off while
migrating (``storage.engine.foreign_keys_off``), so the tables pointing at the query log keep their rows.
The query log's rollup triggers are re-installed (dropping a table drops its triggers). The
downgrade turns ``fix_failed`` rows back into ``no_answer`` (what they were logged as before) and
puts the 0013 constraint back, with the rollups rebuilt.
Matches ``storage/models.py``; only portable SQL, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection, text

from storage.rollups import backfill, drop_triggers, install_triggers

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "query_logs"
NAME = "ck_query_logs_handoff_reason"
OLD = ("low_confidence", "no_answer", "no_evidence")
NEW = (*OLD, "fix_failed")
ROLLUP = ("rollup_answer_days",)


def _check(codes: tuple[str, ...]) -> str:
    return f"handoff_reason IN ({', '.join(repr(c) for c in codes)})"


def _rebuild_sqlite(connection: Connection, old: str, new: str) -> None:
    """``query_logs`` re-created with its CHECK ``old`` replaced by ``new`` (SQLite)."""
    create = connection.scalar(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": TABLE}
    )
    index_sql: list[str] = list(
        connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"),
            {"t": TABLE},
        ).scalars()
    )
    if create is None or str(create).count(old) != 1:
        raise RuntimeError(f"{TABLE}: expected one CHECK ({old}) in its schema, found: {create!r}")
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # dropping the old table would cascade into the tables that point at it
        raise RuntimeError(f"rebuilding {TABLE} needs foreign keys off: migrate with storage.migrate")
    staged = f"{TABLE}_0014"
    body = str(create).split("(", 1)[1]
    connection.exec_driver_sql(f"CREATE TABLE {staged} (" + body.replace(old, new))
    columns = ", ".join(row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({TABLE})"))
    connection.exec_driver_sql(f"INSERT INTO {staged} ({columns}) SELECT {columns} FROM {TABLE}")
    connection.exec_driver_sql(f"DROP TABLE {TABLE}")
    connection.exec_driver_sql(f"ALTER TABLE {staged} RENAME TO {TABLE}")
    for statement in index_sql:
        connection.exec_driver_sql(str(statement))


def _swap(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    connection = op.get_bind()
    drop_triggers(connection, (TABLE,))
    if connection.dialect.name == "sqlite":
        _rebuild_sqlite(connection, _check(old), _check(new))
    else:
        op.drop_constraint(op.f(NAME), TABLE, type_="check")  # op.f: the name as written, no convention
        op.create_check_constraint(op.f(NAME), TABLE, _check(new))
    install_triggers(connection, (TABLE,))
    backfill(connection, ROLLUP)


def upgrade() -> None:
    _swap(OLD, NEW)


def downgrade() -> None:
    op.execute(text(f"UPDATE {TABLE} SET handoff_reason = 'no_answer' WHERE handoff_reason = 'fix_failed'"))
    _swap(NEW, OLD)

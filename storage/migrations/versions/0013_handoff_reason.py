"""The chatbot's hand-off reason in the query log, and the daily rollup by it (issue 17).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

``query_logs.handoff_reason``: why a chatbot question was handed off, as a short code
(``low_confidence``: the confidence was under the threshold; ``no_answer``: no sentence of the
closest articles answers it; ``no_evidence``: nothing in the knowledge base matched); NULL when
answered, and for rows logged before this migration. A CHECK keeps it to those codes, added with
the column (SQLite's own ``ALTER TABLE … ADD COLUMN`` takes a column constraint; Alembic's
``add_column`` would want a batch copy of the table, which would drop the rollup triggers).

The query log's rollup triggers are re-installed from ``storage.rollups`` so that
``rollup_answer_days`` counts by the stored reason (a hand-off without one, logged before, keeps
the old derivation: ``no_evidence`` when nothing matched, else ``weak_evidence``), and the rollup
is rebuilt from the query log; the other tables' triggers stay as they are. The downgrade puts
back the triggers of 0006, drops the column with SQLite's own ``ALTER TABLE … DROP COLUMN``
(3.35+) and rebuilds the rollup the old way.
Matches ``storage/models.py``; only portable types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.rollups import backfill, drop_triggers, install_triggers

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "query_logs"
COLUMN = "handoff_reason"
CHECK = f"{COLUMN} IN ('low_confidence', 'no_answer', 'no_evidence')"
ROLLUP = ("rollup_answer_days",)


def upgrade() -> None:
    connection = op.get_bind()
    name = op.f("ck_query_logs_handoff_reason")
    if connection.dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} VARCHAR(16) CONSTRAINT {name} CHECK ({CHECK})")
    else:
        op.add_column(TABLE, sa.Column(COLUMN, sa.String(16), nullable=True))
        op.create_check_constraint(name, TABLE, CHECK)
    drop_triggers(connection, (TABLE,))
    install_triggers(connection, (TABLE,))
    backfill(connection, ROLLUP)


def downgrade() -> None:
    connection = op.get_bind()
    drop_triggers(connection, (TABLE,))
    if connection.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_query_logs_handoff_reason"), TABLE, type_="check")
    op.drop_column(TABLE, COLUMN)
    install_triggers(connection, (TABLE,), reasons=False)
    backfill(connection, ROLLUP, reasons=False)

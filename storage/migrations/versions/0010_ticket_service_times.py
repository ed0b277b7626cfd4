"""Ticket service times: the first agent reply and the reopen count (issue 17).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Two nullable columns on ``tickets``, as helpdesks keep them per ticket (Zendesk's ticket metrics
``reply_time_in_minutes`` and ``reopens``, Freshdesk's ``stats.first_responded_at`` /
``reopened_at``): ``first_response_at`` (when an agent first replied; NULL while none has or when
the source does not say) and ``reopens`` (how many times the ticket went from resolved back to
open; NULL when not known, so that imports without the figure do not count as "never reopened").
The analytics report reads them per period through the existing ``(created_at, ingested_at)``
index, like the resolution times; no data changes (existing tickets keep NULL: not known).

The downgrade drops the columns with SQLite's own ``ALTER TABLE … DROP COLUMN`` (3.35+), not a
batch copy of the table, which would drop the rollup triggers of 0006 on ``tickets``.
Matches ``storage/models.py``; only portable types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "tickets"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(TABLE, sa.Column("reopens", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column(TABLE, "reopens")
    op.drop_column(TABLE, "first_response_at")

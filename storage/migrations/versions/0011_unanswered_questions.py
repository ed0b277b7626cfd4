"""The text of chatbot questions that were handed off, PII-masked (issue 17).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

``unanswered_questions``: one row per handed-off question at most (``log_id`` is the primary key
and points at ``query_logs``; deleting the log row deletes it), its text as stored after PII
masking (``storage/masking.py``), and when it was asked (indexed: the report reads a period, and
each write deletes the texts older than ``KMS_UNANSWERED_TEXT_DAYS``). The analytics report
clusters them into the chatbot section's unanswered topics. The query log itself still keeps a
hash only. A new table only; questions asked before this migration have no text.
Matches ``storage/models.py``; only portable types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "unanswered_questions"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("log_id", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["query_logs.id"],
            name=op.f("fk_unanswered_questions_log_id_query_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_unanswered_questions")),
    )
    op.create_index(op.f("ix_unanswered_questions_created_at"), TABLE, ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_unanswered_questions_created_at"), table_name=TABLE)
    op.drop_table(TABLE)

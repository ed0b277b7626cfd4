"""Chatbot answer feedback: whether the customer found an answer helpful (issue 17).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

``answer_feedback``: one row per answered question at most (``log_id`` is unique and points at
the answer's ``query_logs`` row; deleting the log row deletes its feedback), the verdict
(``helpful`` / ``not_helpful``), an optional reason (PII-masked before it is stored) and when it
was given. A new table only, no data changes. Hand-written to match ``storage/models.py``
exactly (a test compares them); only portable types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("log_id", sa.String(32), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("verdict IN ('helpful', 'not_helpful')", name=op.f("ck_answer_feedback_verdict")),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["query_logs.id"],
            name=op.f("fk_answer_feedback_log_id_query_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_feedback")),
        sa.UniqueConstraint("log_id", name=op.f("uq_answer_feedback_log_id")),
    )


def downgrade() -> None:
    op.drop_table("answer_feedback")

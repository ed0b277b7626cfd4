"""The outbox of the live integrations (Chatwoot, Zendesk, Freshdesk): calls waiting to be sent.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Hand-written to match ``storage/outbox_models.py`` exactly (a test compares them). Only
portable types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "integration_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("connector", sa.String(32), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_integration_outbox_key")),
    )
    op.create_index(op.f("ix_integration_outbox_status"), "integration_outbox", ["status"])
    op.create_index(op.f("ix_integration_outbox_next_attempt_at"), "integration_outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("integration_outbox")

"""Per-ticket article coverage from the last ``kms drafts generate`` run (issue 17).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

``ticket_coverage``: one row per ticket at most (``ticket_id`` is the primary key and points at
``tickets``; deleting the ticket deletes its row): the best dense cosine of the ticket's inquiry
to an article chunk, that chunk's article (NULL when there was none) and when the run computed
it. Read by the analytics report (knowledge health). A new table only, no data changes.
Hand-written to match ``storage/draft_models.py`` exactly (a test compares them); only portable
types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ticket_coverage",
        sa.Column("ticket_id", sa.String(255), nullable=False),
        sa.Column("best", sa.Float(), nullable=False),
        sa.Column("article_id", sa.String(255), nullable=True),
        sa.Column("computed_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_coverage_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_coverage")),
    )


def downgrade() -> None:
    op.drop_table("ticket_coverage")

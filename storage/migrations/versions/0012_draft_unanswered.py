"""Chatbot demand on gap drafts: how many handed-off questions a draft's topic answers (issue 17).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

``drafts.unanswered``: the handed-off chatbot questions of the last generation run's window whose
nearest topic was the draft's, at the clustering's leftover-attach similarity
(``assist.drafts.demand``); up to three masked examples are kept in the draft's evidence. A
column, not only evidence JSON, because the drafts are listed in SQL by demand (tickets +
questions). Existing drafts get 0 until the next ``kms drafts generate``. The downgrade drops the
column with SQLite's own ``ALTER TABLE … DROP COLUMN`` (3.35+).
Matches ``storage/draft_models.py``; only portable types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "drafts"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("unanswered", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column(TABLE, "unanswered")

"""Indexes for the VOC analytics report (issue 17): the period filters and the feedback join.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

- ``tickets (created_at, ingested_at)``: a ticket's time is ``created_at``, else ``ingested_at``;
  a short period reads the tickets through this index instead of scanning them all;
- ``suggestions (created_at)``: the suggestions of a period;
- ``feedback (suggestion_id, verdict, edit_distance)``: the suggestion → feedback join reads
  the verdict and distance from the index alone.

Plain column indexes only, so the same migration runs on SQLite and PostgreSQL; building them
reads the existing rows (no data changes). Matches ``storage/models.py`` (a test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_tickets_created_at_ingested_at", "tickets", ["created_at", "ingested_at"]),
    ("ix_suggestions_created_at", "suggestions", ["created_at"]),
    ("ix_feedback_suggestion_id_verdict", "feedback", ["suggestion_id", "verdict", "edit_distance"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

"""Recurring-topic drafts: topics, drafts, draft revisions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Hand-written to match ``storage/draft_models.py`` exactly (a test compares them). Only portable
types, so it runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("previous_size", sa.Integer(), nullable=False),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column("centroid", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_seen", TZ, nullable=False),
        sa.Column("last_seen", TZ, nullable=False),
        sa.CheckConstraint("status IN ('active', 'suppressed')", name=op.f("ck_topics_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("key", name=op.f("uq_topics_key")),
    )
    op.create_index(op.f("ix_topics_status"), "topics", ["status"])

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("tag", sa.String(255), nullable=True),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("growth", sa.Float(), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("merged_into", sa.String(255), nullable=True),
        sa.Column("article_id", sa.String(255), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'merged')", name=op.f("ck_drafts_status")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_drafts_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index(op.f("ix_drafts_topic_id"), "drafts", ["topic_id"])
    op.create_index(op.f("ix_drafts_status"), "drafts", ["status"])

    op.create_table(
        "draft_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_draft_revisions_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_revisions")),
    )
    op.create_index(op.f("ix_draft_revisions_draft_id"), "draft_revisions", ["draft_id"])


def downgrade() -> None:
    op.drop_table("draft_revisions")
    op.drop_table("drafts")
    op.drop_table("topics")

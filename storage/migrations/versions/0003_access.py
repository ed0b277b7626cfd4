"""Access control: users, API keys, web sessions, sign-in links, audit log; who resolved a ticket
and who gave feedback.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Hand-written to match ``storage/access_models.py`` and the two new columns of ``models.py``
exactly (a test compares them). Only portable types, so it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_sign_in_at", TZ, nullable=True),
        sa.Column("disabled_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("key_hash", sa.String(255), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_used_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    for table in ("web_sessions", "sign_in_links"):
        columns: list[sa.schema.SchemaItem] = [
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
        ]
        if table == "web_sessions":
            columns += [
                sa.Column("csrf_token", sa.String(64), nullable=False),
                sa.Column("created_at", TZ, nullable=False),
                sa.Column("last_seen_at", TZ, nullable=False),
                sa.Column("expires_at", TZ, nullable=False),
            ]
        else:
            columns += [
                sa.Column("created_at", TZ, nullable=False),
                sa.Column("expires_at", TZ, nullable=False),
                sa.Column("used_at", TZ, nullable=True),
            ]
        op.create_table(
            table,
            *columns,
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("token_hash", name=op.f(f"uq_{table}_token_hash")),
        )
        op.create_index(op.f(f"ix_{table}_user_id"), table, ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object", sa.String(255), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.add_column("tickets", sa.Column("resolved_by", sa.String(120), nullable=True))
    op.add_column("feedback", sa.Column("author", sa.String(120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("author")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("resolved_by")
    for table in ("audit_log", "sign_in_links", "web_sessions", "api_keys", "users"):
        op.drop_table(table)

"""Database helpers shared by the storage tests (unit: SQLite; integration: SQLite and PostgreSQL).

``TABLES``: every table the migrations create (``alembic_version`` aside); ``opened(settings)``:
a migrated database's session maker, its engine disposed on exit; ``engine_of(sessions)``: the
engine behind a session maker; ``changed(record, changes)``: a test record with some fields set.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from core.settings import Settings

TABLES = {"articles", "article_revisions", "tickets", "chunks", "query_logs", "suggestions", "feedback"}
TABLES |= {"topics", "drafts", "draft_revisions"}  # 0002_drafts (assist.drafts)
TABLES |= {"users", "api_keys", "web_sessions", "sign_in_links", "audit_log"}  # 0003_access
TABLES |= {"integration_outbox"}  # 0004_integration_outbox (assist.integrations)
TABLES |= {"rollup_ticket_days", "rollup_ticket_tag_days", "rollup_suggestion_days"}  # 0006 (analytics)
TABLES |= {"rollup_answer_days", "rollup_resolution_days", "rollup_citation_days"}
TABLES |= {"rollup_resolution_tickets"}  # 0006: the percentiles' rows  # 0006_analytics_rollups
TABLES |= {"answer_feedback"}  # 0008_answer_feedback (chatbot answer feedback)
TABLES |= {"ticket_coverage"}  # 0009_ticket_coverage (per-ticket article coverage, kms drafts generate)
TABLES |= {"unanswered_questions"}  # 0011_unanswered_questions (masked text of handed-off questions)

R = TypeVar("R")


def engine_of(sessions: sessionmaker[Session]) -> Engine:
    engine = sessions.kw["bind"]
    assert isinstance(engine, Engine)
    return engine


@contextmanager
def opened(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """``db.open_db(settings)`` (migrated), the engine disposed when the block ends."""
    maker = db.open_db(settings)
    yield maker
    engine_of(maker).dispose()


def changed(record: R, changes: Mapping[str, object]) -> R:
    """``record`` with the given fields set (in place; no ``__post_init__`` runs again)."""
    for name, value in changes.items():
        setattr(record, name, value)
    return record

"""Migration 0008 (answer_feedback) on a database that holds answers, on SQLite and PostgreSQL:
upgrading keeps every logged answer and adds the table (one feedback per answer, a known verdict,
deleted with its answer); downgrading removes it and keeps the answers; upgrading again works."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

import storage as db
from storage import AnswerFeedbackRow, QueryLogRow
from tests import pg
from tests.migrations import on_postgres, on_sqlite, to_revision

postgres_url = pg.make_postgres_fixture(scope="module")
LOGS = [
    {"id": f"q{i}", "kind": "answer", "query_hash": f"h{i}", "hit_ids": ["article:KB-1"], "timings_ms": {},
     "confidence": 0.8, "abstained": False, "created_at": datetime(2026, 6, 1, i, tzinfo=UTC)}
    for i in range(3)
]  # fmt: skip


def logged(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(QueryLogRow)) or 0)


def feedback(log_id: str, verdict: str = "helpful") -> dict[str, object]:
    return {"log_id": log_id, "verdict": verdict, "reason": None, "created_at": datetime.now(UTC)}


def check_migration(engine: Engine) -> None:
    to_revision(engine, "0007")
    with engine.begin() as conn:
        conn.execute(QueryLogRow.__table__.insert(), LOGS)
    assert "answer_feedback" not in inspect(engine).get_table_names()
    to_revision(engine, "0008")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0008"
    assert logged(engine) == 3
    table = AnswerFeedbackRow.__table__
    with engine.begin() as conn:
        conn.execute(table.insert(), [feedback("q0"), feedback("q1", "not_helpful")])
    for bad in (feedback("q0", "not_helpful"), feedback("q2", "liked"), feedback("no-such-log")):
        with pytest.raises(IntegrityError), engine.begin() as conn:  # duplicate, verdict, foreign key
            conn.execute(table.insert(), [bad])
    with engine.begin() as conn:  # feedback goes with its answer
        conn.execute(QueryLogRow.__table__.delete().where(QueryLogRow.id == "q1"))
        assert conn.scalar(select(func.count()).select_from(table)) == 1
    to_revision(engine, "0007", down=True)
    assert "answer_feedback" not in inspect(engine).get_table_names() and logged(engine) == 2
    db.migrate(engine)  # and up again, as open_db does
    assert "answer_feedback" in inspect(engine).get_table_names()


def test_0008_upgrades_a_database_with_answers_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration)


@pytest.mark.postgres
def test_0008_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration)

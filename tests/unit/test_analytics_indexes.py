"""The analytics indexes (migration 0005) and the period filters that use them: upgrading a
database that holds data keeps every row and adds the indexes, downgrading removes them, on SQLite
and PostgreSQL; a report read through the time indexes equals one read by scanning."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from assist.analytics import build_report, make_period, sql
from core.settings import Settings
from tests import pg
from tests.analytics_world import NOW, PII_ALLOW, SINCE, UNTIL, build_world
from tests.migrations import head_revision, on_postgres, on_sqlite, to_revision

NEW_INDEXES = {
    "tickets": {"ix_tickets_created_at_ingested_at": ["created_at", "ingested_at"]},
    "suggestions": {"ix_suggestions_created_at": ["created_at"]},
    "feedback": {"ix_feedback_suggestion_id_verdict": ["suggestion_id", "verdict", "edit_distance"]},
}

postgres_url = pg.make_postgres_fixture(scope="module")


def indexes(engine: Engine, table: str) -> dict[str, list[str]]:
    return {
        str(ix["name"]): [str(c) for c in ix["column_names"]] for ix in inspect(engine).get_indexes(table)
    }


def fill(engine: Engine) -> None:
    t0 = datetime(2026, 6, 1, tzinfo=UTC)
    tickets = [
        {
            "id": f"T{i}",
            "channel": "chat",
            "subject": "",
            "inquiry": "문의",
            "resolution": "",
            "status": "resolved",
            "tags": ["결제"],
            "created_at": t0 + timedelta(hours=i) if i % 5 else None,
            "resolved_at": None,
            "csat": None,
            "customer_ref": None,
            "source": "test",
            "line": None,
            "content_hash": "x",
            "is_knowledge": False,
            "ingested_at": t0 + timedelta(hours=i),
        }
        for i in range(50)
    ]
    suggestions = [
        {"id": f"S{i}", "ticket_id": f"T{i}", "payload": {"articles": []}, "created_at": t0}
        for i in range(20)
    ]
    feedback = [
        {"suggestion_id": f"S{i}", "verdict": "edited", "edit_distance": 0.25, "created_at": t0}
        for i in range(10)
    ]
    with engine.begin() as conn:
        conn.execute(insert(db.TicketRow), tickets)
        conn.execute(insert(db.SuggestionRow), suggestions)
        conn.execute(insert(db.FeedbackRow), feedback)


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            int(conn.scalar(select(func.count()).select_from(model)) or 0)
            for model in (db.TicketRow, db.SuggestionRow, db.FeedbackRow)
        )


def check_upgrade_and_downgrade(engine: Engine) -> None:
    to_revision(engine, "0004")
    fill(engine)
    for table, expected in NEW_INDEXES.items():
        assert not set(expected) & set(indexes(engine, table))
    to_revision(engine, "head")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    for table, expected in NEW_INDEXES.items():
        assert expected.items() <= indexes(engine, table).items()
    assert counts(engine) == (50, 20, 10)
    to_revision(engine, "0004", down=True)
    for table, expected in NEW_INDEXES.items():
        assert not set(expected) & set(indexes(engine, table))
    assert counts(engine) == (50, 20, 10)
    db.migrate(engine)  # and up again, as open_db does
    assert NEW_INDEXES["tickets"].items() <= indexes(engine, "tickets").items()


def test_0005_upgrades_a_database_with_data_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_upgrade_and_downgrade)


@pytest.mark.postgres
def test_0005_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_upgrade_and_downgrade)


@pytest.fixture(scope="module")
def world_sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    data = tmp_path_factory.mktemp("analytics-ix") / "kms"
    sessions = build_world(Settings(data_dir=data, embedder="hash", pii_allow=PII_ALLOW))
    yield sessions
    sessions.kw["bind"].dispose()


@pytest.mark.parametrize("channel", [None, "chat"])
def test_index_reads_and_scans_give_the_same_report(
    world_sessions: sessionmaker[Session], channel: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def report(share: float) -> dict[str, object]:
        monkeypatch.setattr(sql, "INDEX_SHARE", share)
        with world_sessions() as session:
            sections: dict[str, object] = build_report(
                session, make_period(SINCE, UNTIL, channel), now=NOW
            ).as_dict()["sections"]
            return sections

    scanned, indexed = report(0.0), report(2.0)  # never / always through the time indexes
    assert scanned == indexed


def test_use_index_only_for_a_short_part_of_the_data(
    world_sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the world's tickets span 2026-05-28 .. 06-08 (T6 .. T8): a day (1/11) is short, the span is not
    monkeypatch.setattr(sql, "INDEX_SHARE", 0.1)
    with world_sessions() as session:
        day = make_period(UNTIL, UNTIL)
        assert sql.use_index(session, db.TicketRow.created_at, day.since, day.until)
        whole = make_period(SINCE - timedelta(days=30), UNTIL)
        assert not sql.use_index(session, db.TicketRow.created_at, whole.since, whole.until)

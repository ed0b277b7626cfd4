"""Bulk writes with the rollup triggers off (storage/bulk.py): after ``bulk_insert`` and
``ticket_batch`` the rollups equal a back-fill and the report read from them equals the report
read from the source rows; a failure or a crashed process between switching the triggers off
and adding the batch's sums leaves the triggers on, the batch unwritten and the rollups current;
on PostgreSQL a concurrent writer of the same table waits for the batch. SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from core.records import TicketRecord
from core.settings import Settings
from storage import bulk
from tests import pg
from tests.analytics_world import PII_ALLOW, at, build_world
from tests.unit.test_analytics_rollups import check

postgres_url = pg.make_postgres_fixture(scope="module")
T0 = datetime(2026, 6, 2, 10, tzinfo=UTC)
RESOLVED = ("resolved",)


def tickets(prefix: str, n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{prefix}{i}",
            "channel": ("kakao", "chat", "")[i % 3],
            "inquiry": "문의",
            "status": "resolved",
            "tags": ["배송", "결제"] if i % 3 else [],
            "created_at": T0 + timedelta(hours=7 * i) if i % 5 else None,  # else its ingest time
            "ingested_at": T0 + timedelta(hours=5 * i),
            "resolved_at": T0 + timedelta(hours=7 * i + i % 5) if i % 4 else None,
            "csat": float(i % 5 + 1) if i % 4 else None,
            "source": "bulk",
            "content_hash": "x",
        }
        for i in range(n)
    ]


def bulk_rows(prefix: str = "B") -> list[tuple[Any, list[dict[str, Any]]]]:
    """Tickets, their suggestions, feedback (first and second ones, on old and new suggestions)
    and chatbot questions, in the order a generator writes them."""
    suggestions = [
        {"id": f"{prefix}S{i}", "ticket_id": f"{prefix}{i}" if i % 4 else "T3"}
        | {"payload": {"articles": [{"article_id": ("KB-1", "KB-2")[i % 2]}] if i % 3 else []}}
        | {"created_at": T0 + timedelta(hours=9 * i)}
        for i in range(8)
    ]
    feedback = [
        {"suggestion_id": s, "verdict": ("used", "edited", "rejected")[i % 3], "edit_distance": 0.1 * i}
        for i, s in enumerate([f"{prefix}S0", f"{prefix}S1", f"{prefix}S1", "S5", "S1", f"{prefix}S6"])
    ]
    questions = [
        {"id": f"{prefix}q{i}", "kind": ("answer", "chat", "suggest")[i % 3], "query_hash": "h"}
        | {"hit_ids": [] if i % 4 == 0 else ["article:KB-3", "article:KB-3", "ticket:T1"][: 1 + i % 3]}
        | {"confidence": 0.1 * i, "abstained": i % 2 == 0, "created_at": T0 + timedelta(hours=11 * i)}
        for i in range(10)
    ]
    return [
        (db.TicketRow, tickets(prefix, 15)),
        (db.SuggestionRow, suggestions),
        (db.FeedbackRow, feedback),
        (db.QueryLogRow, questions),
    ]


def triggers(engine: Engine) -> int:
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'kms_rollup_%'"
        else:
            sql = "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'kms_rollup_%' AND tgenabled <> 'D'"
        return int(conn.scalar(text(sql)) or 0)


def count(sessions: sessionmaker[Session], model: Any) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def run_bulk_inserts(sessions: sessionmaker[Session]) -> None:
    before = triggers(sessions.kw["bind"])
    for model, rows in bulk_rows():
        with sessions.begin() as s:
            bulk.bulk_insert(s, model, rows)
    assert triggers(sessions.kw["bind"]) == before
    with sessions.begin() as s:  # several tables in one transaction
        for model, rows in bulk_rows("C"):
            bulk.bulk_insert(s, model, rows)
    assert count(sessions, db.FeedbackRow) == 6 + 12
    check(sessions)


def record(tid: str, **kw: Any) -> TicketRecord:
    return TicketRecord(ticket_id=tid, inquiry="문의", source="import.jsonl", **({"status": "resolved"} | kw))


def run_ticket_batches(sessions: sessionmaker[Session]) -> None:
    """Upserts as ``kms ingest`` and the helpdesk imports make them, in batches."""
    batches = [
        [  # new tickets, T3 moved to another channel (its suggestion S3 moves with it), T5 to another day
            record("N1", channel="chat", tags=["결제"], created_at=at(6, 2, 9), resolved_at=at(6, 2, 12)),
            record("N2", channel="app", created_at=at(6, 4, 9), csat=4.0),
            record("N3"),  # no time: counted on its ingest day
            record("T3", channel="app", tags=["배송"], created_at=at(6, 3, 9), resolved_at=at(6, 3, 13)),
            record("T5", channel="email", tags=["배송"], created_at=at(6, 2, 8), resolved_at=at(6, 6, 16)),
        ],
        [  # N1 again unchanged, N2 resolved, T1 reopened
            record("N1", channel="chat", tags=["결제"], created_at=at(6, 2, 9), resolved_at=at(6, 2, 12)),
            record("N2", channel="app", created_at=at(6, 4, 9), resolved_at=at(6, 5, 1), csat=2.0),
            record("T1", channel="chat", tags=["결제", "환불"], created_at=at(6, 1, 10), status="open"),
        ],
    ]
    outcomes = []
    for batch in batches:
        with sessions() as s, s.begin(), bulk.ticket_batch(s, [r.ticket_id for r in batch]):
            outcomes += [db.upsert_ticket(s, r, resolved_statuses=RESOLVED) for r in batch]
        check(sessions)
    assert outcomes.count("unchanged") == 1 and outcomes.count("created") == 3


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    made = build_world(Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW))
    yield made
    made.kw["bind"].dispose()


def test_bulk_inserts_keep_the_rollups(sessions: sessionmaker[Session]) -> None:
    run_bulk_inserts(sessions)


def test_ticket_batches_keep_the_rollups(sessions: sessionmaker[Session]) -> None:
    run_ticket_batches(sessions)


def test_a_failure_in_a_bulk_insert_leaves_nothing_half_done(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows written, triggers off, the sums not added yet: the caller catches and commits."""
    before = triggers(sessions.kw["bind"])

    def fail(*_: Any) -> list[str]:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(bulk, "change_statements", fail)
    with sessions.begin() as s:
        with pytest.raises(RuntimeError):
            bulk.bulk_insert(s, db.TicketRow, tickets("F", 5))
        s.execute(text("UPDATE tickets SET csat = 1.0 WHERE id = 'T2'"))  # the caller goes on
    assert count(sessions, db.TicketRow) == 9 and triggers(sessions.kw["bind"]) == before
    check(sessions)  # the update counted: the triggers were back on


CRASH = """
import os, sys
from core.settings import Settings
import storage as db
from storage import bulk
from tests.unit.test_analytics_bulk import tickets

def die(*_):
    os._exit(3)  # the process dies with the rows written and the triggers off

sessions = db.open_db(Settings(data_dir=sys.argv[1], embedder="hash", database_url=sys.argv[2] or None))
bulk.change_statements = die
with sessions.begin() as s:
    bulk.bulk_insert(s, db.TicketRow, tickets("X", 50))
"""


def crash_between_the_steps(sessions: sessionmaker[Session], data_dir: Path, url: str = "") -> None:
    before, stored = triggers(sessions.kw["bind"]), count(sessions, db.TicketRow)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CRASH), str(data_dir), url],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert triggers(sessions.kw["bind"]) == before
    assert count(sessions, db.TicketRow) == stored
    check(sessions)
    with sessions.begin() as s:  # and the next bulk write works
        bulk.bulk_insert(s, db.TicketRow, tickets("X", 50))
    check(sessions)


def test_a_crashed_bulk_insert_leaves_the_triggers_on(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    crash_between_the_steps(sessions, tmp_path / "kms")


@pytest.fixture
def pg_sessions(postgres_url: str, tmp_path: Path) -> Iterator[tuple[sessionmaker[Session], str]]:
    with pg.fresh_database(postgres_url) as url:
        settings = Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW, database_url=url)
        made = build_world(settings)
        try:
            yield made, url
        finally:
            made.kw["bind"].dispose()


@pytest.mark.postgres
def test_bulk_writes_on_postgres(pg_sessions: tuple[sessionmaker[Session], str], tmp_path: Path) -> None:
    sessions, url = pg_sessions
    check(sessions)
    run_bulk_inserts(sessions)
    run_ticket_batches(sessions)
    crash_between_the_steps(sessions, tmp_path / "kms", url)


@pytest.mark.postgres
def test_a_concurrent_writer_waits_for_the_batch_on_postgres(
    pg_sessions: tuple[sessionmaker[Session], str],
) -> None:
    sessions, _ = pg_sessions
    engine = sessions.kw["bind"]
    with sessions() as s, s.begin(), bulk.ticket_batch(s, ["N1"]):
        n1 = record("N1", channel="chat", created_at=at(6, 2, 9))
        db.upsert_ticket(s, n1, resolved_statuses=RESOLVED)
        with engine.connect() as other, other.begin():
            other.execute(text("SET LOCAL lock_timeout = '200ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                other.execute(text("UPDATE tickets SET csat = 1.0 WHERE id = 'T2'"))
        with engine.connect() as other:  # readers do not wait
            assert other.scalar(text("SELECT count(*) FROM tickets")) == 9
    with engine.begin() as other:  # after the commit it goes through, its trigger on
        other.execute(text("UPDATE tickets SET csat = 1.0 WHERE id = 'T2'"))
    check(sessions)

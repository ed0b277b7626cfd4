"""The storage round trip on both backends: SQLite and a real PostgreSQL server (tests/pg.py).

The PostgreSQL cases skip when no server binary is installed, and fail instead under
``KMS_REQUIRE_POSTGRES=1`` (CI).
"""

from __future__ import annotations

import os
import pwd
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from core.errors import StorageError
from core.records import ArticleRecord, TicketRecord
from core.settings import Settings
from core.types import Chunk
from tests import pg
from tests.dbhelp import TABLES, changed, engine_of
from tests.migrations import head_revision

RESOLVED = ["resolved", "closed", "해결", "완료"]
KST = timezone(timedelta(hours=9))


def article(article_id: str, **changes: object) -> ArticleRecord:
    rec = ArticleRecord(
        article_id=article_id,
        title="배송 지연 안내",
        sections={
            "purpose": "배송 지연 문의에 답합니다.",
            "policy": "지연 3일 이상이면 적립금 지급",
            "scripts": "Q: 언제 오나요?\nA: 확인 후 안내드리겠습니다.",
            "references": "배송 약관 제5조",
        },
        source=f"kb/{article_id}.md",
        tag="고객::배송::지연",
        updated_at=date(2024, 6, 1),
        valid_from=date(2024, 1, 1),
        valid_until=date(2025, 12, 31),
        owner="물류팀",
    )
    return changed(rec, changes)


def ticket(ticket_id: str, **changes: object) -> TicketRecord:
    rec = TicketRecord(
        ticket_id=ticket_id,
        inquiry="택배가 일주일째 안 와요",
        source=f"tickets.csv#{ticket_id}",
        subject="배송 지연",
        resolution="물류센터 확인 후 재발송했습니다.",
        status="완료",
        tags=["배송", "지연"],
        channel="email",
        created_at=datetime(2024, 6, 2, 10, 0, tzinfo=KST),
        resolved_at=datetime(2024, 6, 3, 15, 30, tzinfo=KST),
        csat=4.5,
        customer_ref="C-77",
    )
    return changed(rec, changes)


def test_schema_is_migrated_once_and_matches_the_models(sessions: sessionmaker[Session]) -> None:
    engine = engine_of(sessions)
    db.migrate(engine)  # second run: nothing to do
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert versions == [head_revision()]
        assert compare_metadata(MigrationContext.configure(conn), db.Base.metadata) == []


def test_round_trip(sessions: sessionmaker[Session]) -> None:
    # articles with revisions, a deletion and a restore
    with sessions.begin() as s:
        assert db.upsert_article(s, article("KB-1")) == "created"
        assert db.upsert_article(s, article("KB-2", source="kb/old/KB-2.md")) == "created"
    with sessions.begin() as s:
        assert db.upsert_article(s, article("KB-1")) == "unchanged"
        changed = article("KB-1", title="배송 지연 안내 (개정)")
        assert db.upsert_article(s, changed, author="이영희", change_note="제목 수정") == "updated"
        assert db.articles_from_source(s, "kb/old/") == ["KB-2"]
        assert db.mark_articles_deleted(s, ["KB-2"], author="ingest") == 1
    with sessions() as s:
        assert db.active_articles(s) == [changed]
        revs = db.list_revisions(s, "KB-1")
        assert [(r.version, r.title, r.author) for r in revs] == [
            (1, "배송 지연 안내", "ingest"),
            (2, "배송 지연 안내 (개정)", "이영희"),
        ]
        assert revs[1].sections["references"] == "배송 약관 제5조"
        row = db.get_article(s, "KB-1")
        assert row is not None and row.references_ == "배송 약관 제5조" and row.created_at.tzinfo is UTC

    # tickets: knowledge by status, aware datetimes in UTC
    with sessions.begin() as s:
        assert db.upsert_ticket(s, ticket("T-1"), resolved_statuses=RESOLVED) == "created"
        assert db.upsert_ticket(s, ticket("T-2", status="대기"), resolved_statuses=RESOLVED) == "created"
    with sessions() as s:
        [knowledge] = db.knowledge_tickets(s)
        assert knowledge.ticket_id == "T-1" and knowledge.tags == ["배송", "지연"]
        assert knowledge.created_at == datetime(2024, 6, 2, 1, 0, tzinfo=UTC)
        assert knowledge.created_at is not None and knowledge.created_at.tzinfo is UTC

    # chunks: sync, then an identical sync changes nothing
    chunks = [
        Chunk(
            "article:KB-1#policy-0",
            "article:KB-1",
            "article",
            "배송",
            "policy",
            "배송 정책",
            "정책",
            {"tag": "배송"},
        ),
        Chunk("ticket:T-1#ticket-0", "ticket:T-1", "ticket", "배송 지연", "ticket", "택배 문의", "답변", {}),
    ]
    with sessions.begin() as s:
        assert db.replace_chunks(s, chunks, index_version="idx-1") == db.ChunkChanges(added=2)
    with sessions.begin() as s:
        assert db.replace_chunks(s, chunks[:1], index_version="idx-1") == db.ChunkChanges(removed=1)
        assert db.get_chunks(s) == chunks[:1]
        assert s.get(db.ChunkRow, chunks[0].chunk_id).vector_id == chunks[0].vid  # type: ignore[union-attr]

    # logs, suggestions, feedback
    with sessions.begin() as s:
        log_id = db.log_query(
            s, kind="suggest", query="택배 언제 와요", hit_ids=[chunks[0].chunk_id], timings_ms={"dense": 1.5}
        )
        sid = db.save_suggestion(
            s, {"reply": "확인 후 안내드리겠습니다."}, ticket_id="T-1", query_log_id=log_id
        )
        db.add_feedback(s, sid, "used")
    with sessions() as s:
        logged = s.get(db.QueryLogRow, log_id)
        assert logged is not None and logged.query_hash == db.query_hash("택배  언제 와요")
        assert db.counts(s) == {
            "articles": 2,
            "articles_published": 1,
            "articles_draft": 0,
            "articles_archived": 0,
            "articles_deleted": 1,
            "articles_incomplete": 0,
            "tickets": 2,
            "knowledge_tickets": 1,
            "chunks": 1,
            "revisions": 4,
            "query_logs": 1,
            "suggestions": 1,
            "feedback": 1,
        }


@pytest.mark.postgres
def test_missing_database_raises_storage_error(postgres_url: str) -> None:
    url = postgres_url.replace("kms@", "kms:pw@").rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(StorageError) as info:
        db.open_db(Settings(database_url=url))
    assert "kms:***@" in info.value.message and "no_such_db" in info.value.message
    assert ":pw@" not in info.value.message


@pytest.mark.postgres
def test_server_runs_as_the_postgres_user_when_we_are_root(postgres_url: str) -> None:
    expected = pwd.getpwnam(pg.SERVER_USER).pw_uid if os.geteuid() == 0 else os.geteuid()
    engine = db.make_engine(postgres_url)
    with engine.connect() as conn:
        pid = conn.scalar(text("SELECT pg_backend_pid()"))
        backend_uid = Path(f"/proc/{pid}").stat().st_uid  # while connected: the backend exits after
        data_dir = Path(str(conn.scalar(text("SHOW data_directory"))))
        encoding = conn.scalar(text("SHOW server_encoding"))
    engine.dispose()
    assert (backend_uid, data_dir.stat().st_uid, encoding) == (expected, expected, "UTF8")


def test_no_server_binaries_skips_or_fails_by_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "find_pg_bin", lambda: None)
    with pytest.raises(pg.PostgresUnavailable), pg.postgres_server():
        pass
    monkeypatch.delenv(pg.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        pg.unavailable("no initdb")
    monkeypatch.setenv(pg.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install postgresql"):
        pg.unavailable("no initdb")

"""storage on SQLite: upserts with history, chunk sync, logs (schema and errors: test_db_schema)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from core.records import ArticleRecord, TicketRecord
from core.types import Chunk
from tests.dbhelp import changed

RESOLVED = ["resolved", "closed", "해결", "완료"]


def article(article_id: str = "KB-1", source: str = "kb/refund.md", **changes: object) -> ArticleRecord:
    rec = ArticleRecord(
        article_id=article_id,
        title="환불 규정 안내",
        sections={
            "purpose": "환불 절차를 안내합니다.",
            "policy": "구매 후 7일 이내 환불 가능",
            "steps": "1. 주문 확인",
        },
        source=source,
        tag="고객::결제::환불",
        updated_at=date(2024, 3, 1),
        valid_from=date(2024, 1, 1),
        owner="결제팀",
    )
    return changed(rec, changes)


def ticket(ticket_id: str = "T-1", **changes: object) -> TicketRecord:
    rec = TicketRecord(
        ticket_id=ticket_id,
        inquiry="결제가 두 번 됐어요",
        source="tickets.csv#1",
        subject="중복 결제",
        resolution="중복 건을 취소했습니다.",
        status="해결",
        tags=["결제", "중복"],
        channel="chat",
        created_at=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    )
    return changed(rec, changes)


def chunk(doc: str, section: str, body: str, n: int = 0) -> Chunk:
    return Chunk(
        f"{doc}#{section}-{n}", doc, "article", "제목", section, f"제목\n{body}", body, {"tag": "결제"}
    )


# --- articles ------------------------------------------------------------------------------


def test_upsert_article_created_unchanged_updated(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        assert db.upsert_article(s, article()) == "created"
    with sessions.begin() as s:
        assert db.upsert_article(s, article()) == "unchanged"
    changed = article(sections={**article().sections, "policy": "구매 후 14일 이내 환불 가능"})
    with sessions.begin() as s:
        assert db.upsert_article(s, changed, author="kim", change_note="기간 연장") == "updated"
    with sessions() as s:
        row = db.get_article(s, "KB-1")
        assert row is not None
        assert (row.version, row.status, row.policy) == (2, "published", "구매 후 14일 이내 환불 가능")
        assert row.modified_at >= row.created_at
        revs = db.list_revisions(s, "KB-1")
    assert [(r.version, r.author, r.change_note) for r in revs] == [
        (1, "ingest", "created"),
        (2, "kim", "기간 연장"),
    ]
    assert revs[0].sections["policy"] == "구매 후 7일 이내 환불 가능"
    assert revs[1].sections["policy"] == "구매 후 14일 이내 환불 가능"


def test_tag_and_validity_are_content_but_source_is_not(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        db.upsert_article(s, article())
        assert db.upsert_article(s, article(source="moved/refund.md", line=3)) == "unchanged"
        assert db.upsert_article(s, article(source="moved/refund.md", tag="고객::환불")) == "updated"
        assert (
            db.upsert_article(
                s, article(source="moved/refund.md", tag="고객::환불", valid_until=date(2025, 1, 1))
            )
            == "updated"
        )
    with sessions() as s:
        row = db.get_article(s, "KB-1")
        assert row is not None and (row.source, row.version) == ("moved/refund.md", 3)


def test_deletion_by_source(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        db.upsert_article(s, article("A", source="kb/faq.csv#1"))
        db.upsert_article(s, article("B", source="kb/faq.csv#2"))
        db.upsert_article(s, article("C", source="kb/faq_old.csv#1"))
        db.upsert_article(s, article("D", source="other/x.md"))
    with sessions.begin() as s:
        assert db.articles_from_source(s, "kb/faq.csv") == ["A", "B"]
        assert db.articles_from_source(s, "kb/faq_") == ["C"]  # "_" is not a LIKE wildcard here
        assert db.articles_from_source(s, "kb/") == ["A", "B", "C"]
        assert db.mark_articles_deleted(s, ["A", "B", "nope"], author="ingest") == 2
        assert db.mark_articles_deleted(s, ["A"], author="ingest") == 0  # already deleted
    with sessions() as s:
        assert db.articles_from_source(s, "kb/faq.csv") == []
        assert db.articles_from_source(s, "kb/faq.csv", include_deleted=True) == ["A", "B"]
        assert [a.article_id for a in db.active_articles(s)] == ["C", "D"]
        revs = db.list_revisions(s, "A")
        assert [(r.version, r.status) for r in revs] == [(1, "published"), (2, "deleted")]


def test_deleted_article_that_comes_back_is_published_again(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        db.upsert_article(s, article())
        db.mark_articles_deleted(s, ["KB-1"], author="ingest")
    with sessions.begin() as s:
        assert db.upsert_article(s, article()) == "updated"
    with sessions() as s:
        row = db.get_article(s, "KB-1")
        assert row is not None and (row.status, row.version) == ("published", 3)
        assert db.list_revisions(s, "KB-1")[-1].change_note == "restored"


def test_active_articles_round_trip_records(sessions: sessionmaker[Session]) -> None:
    rec = article(missing=["scripts", "situations", "management"], line=12)
    with sessions.begin() as s:
        db.upsert_article(s, rec)
        db.upsert_article(s, article("KB-0", sections={"purpose": "목적", "references": "약관 제3조"}))
    with sessions() as s:
        got = db.active_articles(s)
    assert [a.article_id for a in got] == ["KB-0", "KB-1"]
    assert got[1] == rec and not got[1].complete
    assert got[0].sections == {"purpose": "목적", "references": "약관 제3조"}


# --- tickets -------------------------------------------------------------------------------


def test_ticket_knowledge_filter_by_status(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        assert db.upsert_ticket(s, ticket("T-1"), resolved_statuses=RESOLVED) == "created"
        db.upsert_ticket(s, ticket("T-2", status="Closed"), resolved_statuses=RESOLVED)
        db.upsert_ticket(s, ticket("T-3", status="open"), resolved_statuses=RESOLVED)
        db.upsert_ticket(s, ticket("T-4", resolution="  "), resolved_statuses=RESOLVED)
    with sessions.begin() as s:
        assert [t.ticket_id for t in db.knowledge_tickets(s)] == ["T-1", "T-2"]
        assert db.upsert_ticket(s, ticket("T-1"), resolved_statuses=RESOLVED) == "unchanged"
        assert db.upsert_ticket(s, ticket("T-3", status="완료"), resolved_statuses=RESOLVED) == "updated"
    with sessions() as s:
        assert [t.ticket_id for t in db.knowledge_tickets(s)] == ["T-1", "T-2", "T-3"]
        assert db.knowledge_tickets(s)[0] == ticket("T-1")
        row = db.get_ticket(s, "T-4")
        assert row is not None and not row.is_knowledge


def test_datetimes_come_back_aware_utc(sessions: sessionmaker[Session]) -> None:
    kst = timezone(timedelta(hours=9))
    with sessions.begin() as s:
        db.upsert_ticket(
            s, ticket("T-1", created_at=datetime(2024, 5, 1, 18, 0, tzinfo=kst)), resolved_statuses=RESOLVED
        )
        db.upsert_ticket(s, ticket("T-2", created_at=datetime(2024, 5, 1, 9, 0)), resolved_statuses=RESOLVED)
    with sessions() as s:
        one, two = db.get_ticket(s, "T-1"), db.get_ticket(s, "T-2")
    assert one is not None and two is not None
    assert one.created_at == datetime(2024, 5, 1, 9, 0, tzinfo=UTC) and one.created_at.tzinfo is UTC
    assert two.created_at == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)  # naive is taken as UTC
    assert one.ingested_at.tzinfo is UTC


# --- chunks --------------------------------------------------------------------------------


def test_replace_chunks_makes_the_table_equal_to_the_given_set(sessions: sessionmaker[Session]) -> None:
    first = [
        chunk("article:A", "policy", "7일 이내"),
        chunk("article:A", "steps", "주문 확인"),
        chunk("article:B", "policy", "없음"),
    ]
    with sessions.begin() as s:
        assert db.replace_chunks(s, first, index_version="v1") == db.ChunkChanges(added=3)
    second = [chunk("article:A", "policy", "14일 이내"), first[1], chunk("article:C", "policy", "새 문서")]
    with sessions.begin() as s:
        assert db.replace_chunks(s, second, index_version="v1") == db.ChunkChanges(
            added=1, updated=1, removed=1
        )
        assert db.replace_chunks(s, second, index_version="v1") == db.ChunkChanges()
    with sessions.begin() as s:
        assert db.replace_chunks(s, second, index_version="v2") == db.ChunkChanges(updated=3)
    with sessions() as s:
        assert db.get_chunks(s) == sorted(second, key=lambda c: c.chunk_id)
        rows = s.scalars(select(db.ChunkRow).order_by(db.ChunkRow.id)).all()
    assert {r.index_version for r in rows} == {"v2"}
    assert [(r.source_id, r.vector_id, r.content_hash) for r in rows] == [
        (c.doc_id.split(":")[1], c.vid, c.hash) for c in sorted(second, key=lambda c: c.chunk_id)
    ]


def test_add_chunks_is_incremental_and_delete_chunks_removes_a_document(
    sessions: sessionmaker[Session],
) -> None:
    a, b = chunk("article:A", "policy", "가"), chunk("article:B", "policy", "나")
    with sessions.begin() as s:
        db.replace_chunks(s, [a], index_version="v1")
        assert db.add_chunks(
            s, [b, chunk("article:A", "policy", "가가")], index_version="v1"
        ) == db.ChunkChanges(added=1, updated=1)
    with sessions.begin() as s:
        assert [c.body for c in db.get_chunks(s, [b.chunk_id, a.chunk_id, "missing"])] == ["나", "가가"]
        assert db.delete_chunks(s, ["article:A"]) == 1
    with sessions() as s:
        assert db.get_chunks(s) == [b]


# --- logs, feedback, counts ------------------------------------------------------------------


def test_log_query_stores_a_hash_not_the_text(sessions: sessionmaker[Session]) -> None:
    query = "홍길동 010-1234-5678 환불 문의"
    with sessions.begin() as s:
        log_id = db.log_query(
            s, kind="search", query=query, hit_ids=["article:A#policy-0"], timings_ms={"dense": 3}
        )
        again = db.log_query(
            s, kind="chat", query=f"  {query.replace(' ', '   ')} ", hit_ids=[], timings_ms={}
        )
    with sessions() as s:
        row, row2 = s.get(db.QueryLogRow, log_id), s.get(db.QueryLogRow, again)
        raw = s.execute(text("SELECT * FROM query_logs")).all()
    assert row is not None and row2 is not None
    assert row.query_hash == hashlib.sha256(query.encode()).hexdigest() == row2.query_hash
    assert (row.hit_ids, row.timings_ms, row.abstained) == (["article:A#policy-0"], {"dense": 3.0}, None)
    assert not any("010-1234" in str(value) or "홍길동" in str(value) for r in raw for value in r)


def test_json_columns_round_trip_korean_text(sessions: sessionmaker[Session]) -> None:
    meta = {"tag": "고객::결제::환불", "question": "환불은 언제 되나요?", "nested": {"단계": [1, 2]}}
    c = Chunk("article:A#scripts-0", "article:A", "article", "환불", "scripts", "환불 문의", "본문", meta)
    payload = {"reply": "고객님, 환불은 3영업일 이내 처리됩니다.", "sources": ["article:A"]}
    with sessions.begin() as s:
        db.replace_chunks(s, [c], index_version="v1")
        db.upsert_ticket(s, ticket(), resolved_statuses=RESOLVED)
        sid = db.save_suggestion(s, payload, ticket_id="T-1")
        db.add_feedback(s, sid, "edited", final_text="고객님, 환불은 곧 처리됩니다.", edit_distance=0.25)
    with sessions() as s:
        assert db.get_chunks(s)[0].meta == meta
        suggestion = s.get(db.SuggestionRow, sid)
        assert suggestion is not None and suggestion.payload == payload
        ticket_row = db.get_ticket(s, "T-1")
        assert ticket_row is not None and ticket_row.tags == ["결제", "중복"]
        stored = s.scalar(text("SELECT meta FROM chunks"))
    assert "환불은 언제" in str(stored)  # stored readable, not as \\uXXXX escapes


def test_foreign_keys_are_enforced(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError), sessions.begin() as s:
        db.add_feedback(s, "no-such-suggestion", "used")


def test_counts(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        for n in range(3):
            db.upsert_article(s, article(f"KB-{n}"))
        db.upsert_article(s, article("KB-0", title="바뀐 제목"))
        db.mark_articles_deleted(s, ["KB-2"], author="ingest")
        db.upsert_ticket(s, ticket("T-1"), resolved_statuses=RESOLVED)
        db.upsert_ticket(s, ticket("T-2", status="open"), resolved_statuses=RESOLVED)
        db.replace_chunks(s, [chunk("article:KB-0", "policy", "가")], index_version="v1")
        db.log_query(s, kind="suggest", query="q", hit_ids=[], timings_ms={})
    with sessions() as s:
        got = db.counts(s)
    assert got == {
        "articles": 3,
        "articles_published": 2,
        "articles_draft": 0,
        "articles_archived": 0,
        "articles_deleted": 1,
        "articles_incomplete": 0,
        "tickets": 2,
        "knowledge_tickets": 1,
        "chunks": 1,
        "revisions": 5,
        "query_logs": 1,
        "suggestions": 0,
        "feedback": 0,
    }

"""Unanswered questions (issue 17, migration 0011): the PII-masked text of handed-off chatbot
questions is kept (``unanswered_questions``) and the analytics report clusters the period's into
topics with the product's topic clustering (``assist.drafts.clusters.find_topics``).

The clustering fixture uses a fake embedder whose vectors are set by hand: one axis per subject
word (환불, 배송, else one axis a question), so the topics can be checked by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from assist.analytics import build_report, make_period
from assist.analytics.unanswered import NO_MODEL, NO_TEXT, TextModels, VectorCache, unanswered_table
from storage import QueryLogRow, UnansweredQuestionRow, log_query, record_unanswered
from tests import pg
from tests.migrations import on_postgres, on_sqlite, to_revision

postgres_url = pg.make_postgres_fixture(scope="module")
PERIOD = make_period(date(2026, 6, 1), date(2026, 6, 7))
PHONE, EMAIL = "010-1234-5678", "kim.minsu@example.com"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=UTC)


class AxisEmbedder:
    """Hand-set unit vectors: 환불 → axis 0, 배송 → axis 1, anything else its own axis."""

    model_id, dim, runtime, precision = "axes", 16, "hash", "fp32"
    others: dict[str, int] = {}  # noqa: RUF012 (one axis per text for every instance: vectors are cached)
    embedded: list[str] = []  # noqa: RUF012

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            axis = 0 if "환불" in t else 1 if "배송" in t else 2 + self.others.setdefault(t, len(self.others))
            out[i, axis] = 1.0
        return out

    embed_documents = embed_queries


MODELS = TextModels(embedder=AxisEmbedder)

# day (06-..), hour, question as the customer typed it (handed off)
QUESTIONS = [
    (1, 9, "환불은 언제 되나요"),
    (2, 9, f"환불 언제 들어와요? {PHONE}"),
    (3, 9, "환불 기간이 궁금해요"),
    (5, 9, "환불은 언제 되나요"),  # the same text again: one example
    (2, 10, "배송 주소를 바꾸고 싶어요"),
    (4, 10, f"배송 주소 변경은 {EMAIL} 로 알려주세요"),
    (6, 10, "배송 주소를 잘못 적었어요"),
    (3, 11, "쿠폰 유효기간"),  # alone: no topic
    (4, 11, "회원 탈퇴"),  # alone: no topic
    (8, 9, "환불 언제 돼요"),  # 06-08: after the period
]


def store(
    sessions: sessionmaker[Session],
    questions: Sequence[tuple[int, int, str]],
    keep_days: int = 90,
    prefix: str = "u",
) -> None:
    for n, (day, hour, question) in enumerate(questions):
        with sessions.begin() as session:
            log_query(session, kind="answer", query=question, hit_ids=[], timings_ms={}, abstained=True,
                      log_id=f"{prefix}{n}")  # fmt: skip
            record_unanswered(session, f"{prefix}{n}", question, keep_days=keep_days, now=at(day, hour))


def raw_texts(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:  # as stored, read with plain SQL (no ORM object in between)
        return [str(t) for t in session.execute(text("SELECT text FROM unanswered_questions")).scalars()]


# --- what is stored ------------------------------------------------------------------------------


def test_the_masked_text_is_stored_never_the_personal_data(sessions: sessionmaker[Session]) -> None:
    store(sessions, QUESTIONS)
    stored = raw_texts(sessions)
    assert len(stored) == len(QUESTIONS)
    assert not any(PHONE in t or EMAIL in t or "1234-5678" in t or "example.com" in t for t in stored)
    assert "환불 언제 들어와요? [전화번호]" in stored
    assert any(t.startswith("배송 주소 변경은 [이메일]") for t in stored)
    with sessions() as session:  # the query log itself still keeps a hash only
        assert "query" not in {c.name for c in QueryLogRow.__table__.columns}
        assert session.scalar(select(func.count()).select_from(QueryLogRow)) == len(QUESTIONS)


def test_handed_off_chatbot_questions_keep_their_masked_text(client: TestClient) -> None:
    kb = client.app.state.kb  # type: ignore[attr-defined]
    question = f"화성 이주 프로그램 신청은 어떻게 하나요? 연락처 {PHONE}, 메일 {EMAIL}"
    handed = client.post("/v1/answer", json={"question": question}).json()
    assert handed["abstained"] is True, handed
    answered = client.post("/v1/answer", json={"question": "결제가 두 번 됐어요. 환불은 언제 되나요?"}).json()
    assert answered["abstained"] is False, answered
    with kb.sessions() as session:
        rows = session.execute(select(UnansweredQuestionRow.log_id, UnansweredQuestionRow.text)).all()
    assert [log_id for log_id, _ in rows] == [handed["log_id"]]  # only the handed-off one
    (stored,) = raw_texts(kb.sessions)
    assert PHONE not in stored and EMAIL not in stored
    assert "[전화번호]" in stored and "[이메일]" in stored and stored.startswith("화성 이주 프로그램")


def test_opt_out_and_retention(sessions: sessionmaker[Session]) -> None:
    store(sessions, [(1, 9, "환불은 언제 되나요")], keep_days=0)  # KMS_UNANSWERED_TEXT_DAYS=0: none kept
    assert raw_texts(sessions) == []
    store(sessions, [(1, 9, "환불은 언제 되나요"), (3, 9, "배송 주소")], keep_days=90, prefix="k")
    with sessions.begin() as session:  # a write 90 days and an hour after 06-01 09:00 drops that one
        log_query(session, kind="chat", query="q", hit_ids=[], timings_ms={}, abstained=True, log_id="late")
        record_unanswered(session, "late", "쿠폰", keep_days=90, now=at(1, 9) + timedelta(days=90, hours=1))
    assert sorted(raw_texts(sessions)) == ["배송 주소", "쿠폰"]
    with sessions.begin() as session:  # deleting the log row deletes its text
        session.execute(QueryLogRow.__table__.delete().where(QueryLogRow.id == "late"))
    assert raw_texts(sessions) == ["배송 주소"]


# --- the report's unanswered topics --------------------------------------------------------------


def test_unanswered_topics_by_hand(sessions: sessionmaker[Session]) -> None:
    store(sessions, QUESTIONS)
    with sessions() as session:
        table, figures, notes = unanswered_table(session, PERIOD, MODELS)
    # 9 texts in the period (06-08 is out). 환불: 4 (06-01, 06-02, 06-03, 06-05), 배송: 3; 쿠폰 and
    # 회원 one each (below the minimum of 3). Examples: distinct texts, latest first (the vectors of a
    # topic are equal). Keywords: nouns (Kiwi; a masking placeholder is not one) used by at least 2
    # questions of a topic of 4 or more (환불: 환불 4, 기간 1, so 환불 alone), by 1 of a smaller one,
    # scored share × idf, idf = ln(10 / (1 + questions using it of the 9)) + 1: 배송 and 주소 3/3 ×
    # (ln 2.5 + 1) = 1.92 each (tie: by word), 변경 1/3 × (ln 5 + 1) = 0.87.
    assert table.name == "unanswered_topics" and notes == []
    assert table.columns == ["topic", "questions", "share", "keywords", "examples", "last_seen"]
    assert figures == {"unanswered_texts": 9, "unanswered_topics": 2}
    first, second = table.rows
    assert first[:3] == [1, 4, 0.4444] and first[5] == "2026-06-05"
    assert first[3] == "환불"
    assert first[4] == "환불은 언제 되나요 / 환불 기간이 궁금해요 / 환불 언제 들어와요? [전화번호]"
    assert second[:3] == [2, 3, 0.3333] and second[5] == "2026-06-06"
    assert second[3] == "배송, 주소, 변경"  # not 이메일: the placeholder of the e-mail address
    assert (
        second[4]
        == "배송 주소를 잘못 적었어요 / 배송 주소 변경은 [이메일] 로 알려주세요 / 배송 주소를 바꾸고 싶어요"
    )
    csv = table.to_csv().splitlines()
    assert csv[0] == "topic,questions,share,keywords,examples,last_seen" and len(csv) == 3
    AxisEmbedder.embedded.clear()
    with sessions() as session:  # every text's vector is cached: a second report embeds nothing
        assert unanswered_table(session, PERIOD, MODELS)[0].rows == table.rows
    assert AxisEmbedder.embedded == []


def test_the_vector_cache_keeps_the_latest_texts() -> None:
    cache, embedder = VectorCache(size=2), AxisEmbedder()
    AxisEmbedder.embedded.clear()
    first = cache.embed(embedder, ["환불 a", "배송 b", "환불 a"])
    assert first.shape == (3, 16) and AxisEmbedder.embedded == ["환불 a", "배송 b"]  # once a text
    cache.embed(embedder, ["쿠폰 c"])  # drops the least recently used: "배송 b" ("환불 a" came last)
    cache.embed(embedder, ["배송 b", "쿠폰 c"])
    assert AxisEmbedder.embedded == ["환불 a", "배송 b", "쿠폰 c", "배송 b"]


def test_the_report_section_and_its_notes(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        empty = build_report(session, PERIOD, models=MODELS).section("chatbot")
    assert NO_TEXT in empty.not_recorded and not any("hash" in n for n in empty.not_recorded)
    store(sessions, QUESTIONS)
    with sessions() as session:
        report = build_report(session, PERIOD, models=MODELS)
        without = build_report(session, PERIOD).section("chatbot")
    assert [r[:2] for r in report.table("unanswered_topics").rows] == [[1, 4], [2, 3]]
    assert report.section("chatbot").figures["unanswered_topics"] == 2
    assert NO_MODEL in without.not_recorded and without.figures["unanswered_texts"] == 9


# --- migration 0011 ------------------------------------------------------------------------------


def check_migration(engine: Engine) -> None:
    to_revision(engine, "0010")
    assert "unanswered_questions" not in inspect(engine).get_table_names()
    to_revision(engine, "0011")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0011"
    assert {i["name"] for i in inspect(engine).get_indexes("unanswered_questions")} == {
        "ix_unanswered_questions_created_at"
    }
    log = {"id": "q1", "kind": "answer", "query_hash": "h", "hit_ids": [], "timings_ms": {},
           "abstained": True, "created_at": at(1)}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(QueryLogRow.__table__.insert(), [log])
        conn.execute(
            UnansweredQuestionRow.__table__.insert(), [{"log_id": "q1", "text": "환불", "created_at": at(1)}]
        )
        conn.execute(QueryLogRow.__table__.delete())  # the text goes with its log row
        assert conn.scalar(select(func.count()).select_from(UnansweredQuestionRow.__table__)) == 0
    to_revision(engine, "0010", down=True)
    assert "unanswered_questions" not in inspect(engine).get_table_names()
    db.migrate(engine)  # and up again, as open_db does
    assert "unanswered_questions" in inspect(engine).get_table_names()


def test_0011_upgrades_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration)


@pytest.mark.postgres
def test_0011_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration)

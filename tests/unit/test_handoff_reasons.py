"""The chatbot's hand-off reason in the query log (issue 17, migration 0013): the answer path logs
the code it gave (the API keeps its sentence); the report counts questions by the stored reason,
and hand-offs logged before 0013 by the old derivation (weak_evidence / no_evidence), from the
rollups and from the source rows alike, hand-computed, on SQLite and PostgreSQL; the migration
keeps the old rows' buckets, re-installs the query log's triggers and downgrades."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from assist.analytics import build_report, make_period
from assist.analytics.chatbot import LEGACY_NOTE
from assist.analytics.rollups import DIRECT
from core.settings import Settings
from storage import HANDOFF_REASONS, QueryLogRow, log_query
from storage.rollups import backfill
from tests import pg
from tests.auth import bearer
from tests.migrations import on_postgres, on_sqlite, to_revision
from tests.unit.test_analytics_rollups import rollups_match_a_backfill, snapshot

postgres_url = pg.make_postgres_fixture(scope="module")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=UTC)


HIT = ["article:KB-1"]
# kind, created, abstained, reason (None: answered, or a hand-off logged before 0013), hits
QUESTIONS: list[tuple[str, datetime, bool | None, str | None, list[str]]] = [
    ("answer", at(1, 9), False, None, HIT),
    ("chat", at(1, 10), True, "low_confidence", HIT),
    ("answer", at(1, 11), True, "low_confidence", HIT),
    ("answer", at(2), False, None, HIT),
    ("answer", at(2, 11), True, "no_answer", ["article:KB-2"]),
    ("chat", at(2, 12), True, "no_answer", HIT),
    ("answer", at(3), True, "no_evidence", []),
    ("answer", at(3, 11), True, "low_confidence", HIT),
    ("chat", at(3, 12), False, None, HIT),
    ("answer", at(4), True, None, ["article:KB-3"]),  # before 0013, something matched: weak_evidence
    ("answer", at(4, 11), True, None, []),  # before 0013, nothing matched: no_evidence
    ("answer", datetime(2026, 5, 31, 23, tzinfo=UTC), True, "low_confidence", HIT),  # before the period
    ("suggest", at(2), None, None, HIT),  # not a chatbot question
]
WEEK = (date(2026, 6, 1), date(2026, 6, 7))
# by hand: 11 questions in the week, 3 answered, 8 handed off
WEEK_REASONS = [
    ["low_confidence", 3, 0.375],
    ["no_answer", 2, 0.25],
    ["no_evidence", 2, 0.25],  # one stored, one derived (logged before 0013)
    ["weak_evidence", 1, 0.125],
]
# 06-01 .. 06-03: 9 questions, 3 answered; 6 handed off, all with a stored reason
THREE_DAYS_REASONS = [["low_confidence", 3, 0.5], ["no_answer", 2, 0.3333], ["no_evidence", 1, 0.1667]]


def fill(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for i, (kind, created, abstained, reason, hits) in enumerate(QUESTIONS):
            log_query(
                session,
                kind=kind,  # type: ignore[arg-type]
                query=f"질문 {i}",
                hit_ids=hits,
                timings_ms={},
                confidence=0.5,
                abstained=abstained,
                log_id=f"q{i}",
                handoff_reason=reason,  # type: ignore[arg-type]
            )
            session.flush()
            session.execute(update(QueryLogRow).where(QueryLogRow.id == f"q{i}").values(created_at=created))


def chatbot(sessions: sessionmaker[Session], since: date, until: date, *, direct: bool) -> Any:
    with sessions() as session:
        session.info[DIRECT] = direct
        return build_report(session, make_period(since, until)).section("chatbot")


def reasons(section: Any) -> list[list[Any]]:
    return next(t.rows for t in section.tables if t.name == "handoff_reasons")  # type: ignore[no-any-return]


def check_report(sessions: sessionmaker[Session]) -> None:
    rollups_match_a_backfill(sessions.kw["bind"])
    for direct in (False, True):  # from the daily rollups, and from the query log itself
        week = chatbot(sessions, *WEEK, direct=direct)
        assert reasons(week) == WEEK_REASONS, direct
        assert (week.figures["questions"], week.figures["answered"], week.figures["handed_off"]) == (11, 3, 8)
        assert week.figures["deflection_rate"] == 0.2727 and LEGACY_NOTE in week.not_recorded
        assert not any("hand-off reason as given" in n for n in week.not_recorded)
        three = chatbot(sessions, date(2026, 6, 1), date(2026, 6, 3), direct=direct)
        assert reasons(three) == THREE_DAYS_REASONS and LEGACY_NOTE not in three.not_recorded
    with sessions.begin() as session:  # a reason changed, a question deleted: the triggers follow
        session.execute(update(QueryLogRow).where(QueryLogRow.id == "q9").values(handoff_reason="no_answer"))
        session.execute(delete(QueryLogRow).where(QueryLogRow.id == "q6"))
    rollups_match_a_backfill(sessions.kw["bind"])
    for direct in (False, True):
        week = chatbot(sessions, *WEEK, direct=direct)
        assert reasons(week) == [["low_confidence", 3, 0.4286], ["no_answer", 3, 0.4286],
                                 ["no_evidence", 1, 0.1429]]  # fmt: skip
        assert LEGACY_NOTE not in week.not_recorded


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    made = db.open_db(Settings(data_dir=tmp_path / "kms", embedder="hash"))
    fill(made)
    yield made
    made.kw["bind"].dispose()


def test_each_reason_counts_exactly(sessions: sessionmaker[Session]) -> None:
    check_report(sessions)


@pytest.mark.postgres
def test_each_reason_counts_exactly_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    with pg.fresh_database(postgres_url) as url:
        made = db.open_db(Settings(data_dir=tmp_path / "kms", embedder="hash", database_url=url))
        try:
            fill(made)
            check_report(made)
        finally:
            made.kw["bind"].dispose()


def test_only_a_known_reason_of_a_hand_off_is_logged(sessions: sessionmaker[Session]) -> None:
    for reason, abstained in (("bogus", True), ("no_answer", False), ("no_answer", None)):
        with pytest.raises(ValueError, match="handoff_reason"), sessions.begin() as session:
            log_query(
                session,
                kind="answer",
                query="q",
                hit_ids=[],
                timings_ms={},
                abstained=abstained,
                handoff_reason=reason,  # type: ignore[arg-type]
            )
    with pytest.raises(IntegrityError), sessions.begin() as session:  # the CHECK of 0013
        session.execute(update(QueryLogRow).where(QueryLogRow.id == "q1").values(handoff_reason="bogus"))


# --- the answer path --------------------------------------------------------------------------


def test_the_answer_path_logs_the_code_and_returns_the_sentence(client: TestClient) -> None:
    kb = client.app.state.kb  # type: ignore[attr-defined]
    handed = client.post("/v1/answer", json={"question": "오늘 서울 날씨 어때?"}).json()
    answered = client.post("/v1/answer", json={"question": "결제가 두 번 됐어요. 환불은 언제 되나요?"}).json()
    code, sentence = str(handed["handoff_reason"]).split(": ", 1)
    assert handed["abstained"] and code in HANDOFF_REASONS and sentence  # the API's text is unchanged
    assert not answered["abstained"] and answered["handoff_reason"] is None
    with kb.sessions() as session:
        logged = dict(session.execute(select(QueryLogRow.id, QueryLogRow.handoff_reason)).tuples().all())
    assert logged == {handed["log_id"]: code, answered["log_id"]: None}


# --- the page -------------------------------------------------------------------------------


def test_the_page_labels_the_reasons_in_korean(sessions: sessionmaker[Session]) -> None:
    from assist.api import create_app

    url = str(sessions.kw["bind"].url)
    settings = Settings(data_dir=Path(url.removeprefix("sqlite:///")).parent, embedder="hash")
    params = {"since": "2026-06-01", "until": "2026-06-07"}
    with TestClient(create_app(settings)) as client:
        owner = {"accept": "text/html", **bearer(settings, ["kms_owner"], name="handoff-page")}
        html = client.get("/analytics", params=params, headers=owner).text
        english = client.get("/analytics", params={**params, "lang": "en"}, headers=owner).text
        csv = client.get("/v1/analytics", params={**params, "format": "csv", "table": "handoff_reasons"},
                         headers=owner).content.decode("utf-8-sig")  # fmt: skip
    for label in ("신뢰도 낮음", "답하는 문장 없음", "일치하는 지식 없음", "근거 약함(이전 기록)"):
        assert f">{label}</td>" in html
    assert ">Low confidence</td>" in english and ">low_confidence</td>" not in html
    assert csv.splitlines() == ["reason,questions,share", "low_confidence,3,0.375", "no_answer,2,0.25",
                                "no_evidence,2,0.25", "weak_evidence,1,0.125"]  # fmt: skip


# --- migration 0013 -----------------------------------------------------------------------------


def _log(i: int, abstained: bool, hits: list[str], **kw: Any) -> dict[str, Any]:
    return {"id": f"m{i}", "kind": "answer", "query_hash": f"h{i}", "hit_ids": hits, "timings_ms": {},
            "confidence": 0.5, "abstained": abstained, "created_at": at(1, i)} | kw  # fmt: skip


def outcomes(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT outcome, sum(questions) FROM rollup_answer_days GROUP BY outcome"))
        return {str(o): int(n) for o, n in rows.tuples() if n}


def check_migration(engine: Engine) -> None:
    to_revision(engine, "0012")
    with engine.begin() as conn:  # logged before 0013: no reason
        conn.execute(insert(QueryLogRow), [_log(0, False, HIT), _log(1, True, HIT), _log(2, True, [])])
    assert outcomes(engine) == {"answered": 1, "weak_evidence": 1, "no_evidence": 1}
    to_revision(engine, "0013")
    assert "handoff_reason" in {c["name"] for c in inspect(engine).get_columns("query_logs")}
    assert outcomes(engine) == {"answered": 1, "weak_evidence": 1, "no_evidence": 1}  # history kept
    with engine.begin() as conn:
        conn.execute(insert(QueryLogRow), [_log(3, True, HIT, handoff_reason="low_confidence"),
                                           _log(4, True, HIT, handoff_reason="no_answer"),
                                           _log(5, True, [], handoff_reason="no_evidence")])  # fmt: skip
        assert conn.scalar(select(QueryLogRow.handoff_reason).where(QueryLogRow.id == "m1")) is None
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(QueryLogRow), [_log(6, True, HIT, handoff_reason="bogus")])
    expected = {"answered": 1, "weak_evidence": 1, "no_evidence": 2, "low_confidence": 1, "no_answer": 1}
    assert outcomes(engine) == expected
    rollups_match_a_backfill(engine)
    with engine.begin() as conn:  # the other tables' triggers are still there
        names = "SELECT count(*) FROM {} WHERE {} LIKE 'kms_rollup_%'"
        if engine.dialect.name == "sqlite":
            count = conn.scalar(text(names.format("sqlite_master", "type = 'trigger' AND name")))
        else:
            count = conn.scalar(text(names.format("pg_trigger", "NOT tgisinternal AND tgname")))
        assert count == 12  # 4 tables x insert, update, delete

    to_revision(engine, "0012", down=True)
    assert "handoff_reason" not in {c["name"] for c in inspect(engine).get_columns("query_logs")}
    assert outcomes(engine) == {"answered": 1, "weak_evidence": 3, "no_evidence": 2}  # derived again
    with engine.begin() as conn:  # the triggers of 0006 count new rows
        conn.execute(insert(QueryLogRow), [_log(7, True, [], kind="chat", created_at=at(2))])
    with engine.connect() as conn:
        trans = conn.begin()
        kept = snapshot(conn)
        backfill(conn, reasons=False)
        assert snapshot(conn) == kept
        trans.rollback()
    assert outcomes(engine) == {"answered": 1, "weak_evidence": 3, "no_evidence": 3}
    db.migrate(engine)  # and up again, as open_db does
    assert outcomes(engine) == {"answered": 1, "weak_evidence": 3, "no_evidence": 3}
    rollups_match_a_backfill(engine)


def test_0013_keeps_history_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration)


@pytest.mark.postgres
def test_0013_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration)


# --- migration 0014: fix_failed -----------------------------------------------------------------


TABLE = "query_logs"


def _indexes(engine: Engine) -> list[tuple[str, tuple[str, ...]]]:
    return sorted(
        (str(i["name"]), tuple(str(c) for c in i["column_names"])) for i in inspect(engine).get_indexes(TABLE)
    )


def check_migration_0014(engine: Engine) -> None:
    to_revision(engine, "0013")
    rows = [_log(0, False, HIT, handoff_reason=None)]  # one key set for every row of an insert
    rows += [
        _log(1, True, HIT, handoff_reason="no_answer"),
        _log(2, True, HIT, handoff_reason="low_confidence"),
    ]
    with engine.begin() as conn:
        conn.execute(insert(QueryLogRow), rows)
        # rows of the tables that point at the query log (ON DELETE CASCADE): the rebuild keeps them
        day = {"at": at(1)}
        conn.execute(text("INSERT INTO unanswered_questions VALUES ('m1', '질문', :at)"), day)
        conn.execute(
            text("INSERT INTO answer_feedback (log_id, verdict, created_at) VALUES ('m0', 'helpful', :at)"),
            day,
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(QueryLogRow), [_log(3, True, HIT, handoff_reason="fix_failed")])
    indexes = _indexes(engine)
    to_revision(engine, "0014")
    assert _indexes(engine) == indexes
    with engine.begin() as conn:
        conn.execute(insert(QueryLogRow), [_log(3, True, HIT, handoff_reason="fix_failed")])
        assert conn.scalar(text("SELECT count(*) FROM unanswered_questions")) == 1
        assert conn.scalar(text("SELECT count(*) FROM answer_feedback")) == 1
        assert conn.scalar(text(f"SELECT count(*) FROM {TABLE}")) == 4
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(QueryLogRow), [_log(4, True, HIT, handoff_reason="bogus")])
    assert outcomes(engine) == {"answered": 1, "no_answer": 1, "low_confidence": 1, "fix_failed": 1}
    rollups_match_a_backfill(engine)
    with engine.begin() as conn:  # the foreign keys still hold: deleting a log row cascades
        conn.execute(delete(QueryLogRow).where(QueryLogRow.id == "m1"))
        assert conn.scalar(text("SELECT count(*) FROM unanswered_questions")) == 0
        conn.execute(insert(QueryLogRow), [_log(1, True, HIT, handoff_reason="no_answer")])

    to_revision(engine, "0013", down=True)  # a failed fix was logged as no_answer before 0014
    assert outcomes(engine) == {"answered": 1, "no_answer": 2, "low_confidence": 1}
    assert _indexes(engine) == indexes
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(QueryLogRow), [_log(5, True, HIT, handoff_reason="fix_failed")])
    rollups_match_a_backfill(engine)
    db.migrate(engine)  # and up again, as open_db does
    with engine.begin() as conn:
        conn.execute(insert(QueryLogRow), [_log(5, True, HIT, handoff_reason="fix_failed")])
    assert outcomes(engine) == {"answered": 1, "no_answer": 2, "low_confidence": 1, "fix_failed": 1}
    rollups_match_a_backfill(engine)


def test_0014_adds_fix_failed_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration_0014)


@pytest.mark.postgres
def test_0014_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration_0014)

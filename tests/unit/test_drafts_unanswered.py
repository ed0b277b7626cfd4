"""Unanswered chatbot questions feed the gap drafts (issue 17, ``assist.drafts.demand``, 0012).

On the tiny KB of test_drafts_data (hash embedder). A topic's own tickets sit at cosine 0.63-0.67
from its centroid there, so the feed is checked with the clustering's leftover-attach similarity
set to 0.5 (:data:`FEED`; the ticket topics are the same as with :data:`CONFIG`), and once at the
default 0.90, where no hash vector reaches a centroid: the feed follows that one setting."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import test_drafts_data as data
from sqlalchemy import Engine, inspect, text
from test_drafts_data import CONFIG, NOW
from typer.testing import CliRunner

import storage as db
from assist.cli.app import _register, app
from assist.drafts import generate, get_draft, list_draft_summaries
from assist.knowledge import KnowledgeBase
from korean.pii import find_pii
from storage import log_query, record_unanswered
from tests import pg
from tests.migrations import on_postgres, on_sqlite, to_revision

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures
postgres_url = pg.make_postgres_fixture(scope="module")
FEED = CONFIG.model_copy(update={"attach_similarity": 0.5})
PHONE = "010-1234-5678"
PICKUP = [f"편의점 픽업 상품 수령 기한이 언제까지예요 {PHONE}"]
DARK = data.DARK_Q[1:3] + data.DARK_Q[:1]  # the tickets' own words
PASSWORD = ["비밀번호 재설정 메일이 안 와요"]  # a covered topic: no draft to count on
FAR = ["기프트 포장 가능한가요"]  # near no topic
CUSTOMS = ["해외 배송 관세는 누가 내나요", "해외 배송 관세 문의", "해외 배송 관세가 얼마예요"]  # no ticket


def ask(kb: KnowledgeBase, questions: Sequence[str], *, days_ago: int = 2, prefix: str = "q") -> None:
    """Hand off each question as the chatbot does: a query log row and its masked text."""
    with kb.sessions.begin() as session:
        for n, question in enumerate(questions):
            log_id = f"{prefix}{n}"
            log_query(session, kind="chat", query=question, hit_ids=[], timings_ms={}, abstained=True,
                      log_id=log_id)  # fmt: skip
            record_unanswered(session, log_id, question, keep_days=365, now=NOW - timedelta(days=days_ago))


def by_prefix(kb: KnowledgeBase) -> dict[str, int]:
    drafts = [get_draft(kb, d.id) for d in list_draft_summaries(kb)]
    return {d.evidence["ticket_ids"][0].split("-")[0]: d.id for d in drafts}


def test_questions_count_on_the_draft_of_their_nearest_topic(drafts_kb: KnowledgeBase) -> None:
    ask(drafts_kb, PICKUP + DARK + PASSWORD + FAR)
    ask(drafts_kb, ["편의점 픽업 상품을 아직 못 찾았어요"], days_ago=200, prefix="old")  # outside the window
    result = generate(drafts_kb, FEED)
    assert (result.tickets, result.topics, result.gaps, len(result.created)) == (19, 3, 2, 2)
    assert (result.unanswered, result.unanswered_matched) == (6, 4)  # password and far: no draft
    by = by_prefix(drafts_kb)
    pickup, dark = get_draft(drafts_kb, by["PU"]), get_draft(drafts_kb, by["DM"])
    assert (pickup.unanswered, dark.unanswered) == (1, 3)
    assert pickup.unanswered_examples == ["편의점 픽업 상품 수령 기한이 언제까지예요 [전화번호]"]
    assert sorted(dark.unanswered_examples) == sorted(DARK)
    assert dark.evidence["unanswered"]["questions"] == 3  # review metadata, not the article
    for draft in (pickup, dark):
        assert "관세" not in draft.markdown and PHONE not in json.dumps(draft.model_dump(mode="json"))
        assert not any(find_pii(q) for q in draft.unanswered_examples)
        assert "포장" not in " ".join(draft.unanswered_examples)
    # listed by demand: 다크모드 5 tickets + 3 questions before 편의점 픽업 6 + 1
    assert [d.id for d in list_draft_summaries(drafts_kb)] == [dark.id, pickup.id]
    assert result.unanswered_gaps == []  # 3 questions of one topic at most, and that topic has a draft


def test_the_attach_similarity_setting_is_the_only_cut(drafts_kb: KnowledgeBase) -> None:
    ask(drafts_kb, PICKUP + DARK)
    result = generate(drafts_kb, CONFIG)  # 0.90: above every hash cosine to a centroid
    assert (result.unanswered, result.unanswered_matched) == (4, 0)
    assert {d.unanswered for d in list_draft_summaries(drafts_kb)} == {0}
    again = generate(drafts_kb, FEED)  # the next run refreshes the pending drafts' counts
    assert again.unanswered_matched == 4 and len(again.updated) == 2
    assert sorted(d.unanswered for d in list_draft_summaries(drafts_kb)) == [1, 3]


def test_a_question_topic_without_tickets_is_reported_not_drafted(drafts_kb: KnowledgeBase) -> None:
    ask(drafts_kb, CUSTOMS + DARK + FAR)
    result = generate(drafts_kb, FEED)
    assert len(result.created) == 2  # the ticket gaps only
    [gap] = result.unanswered_gaps
    assert gap.questions == 3 and "관세" in gap.keywords and sorted(gap.examples) == sorted(CUSTOMS)
    assert all("관세" not in d.title for d in list_draft_summaries(drafts_kb))


def test_no_questions_change_nothing(drafts_kb: KnowledgeBase) -> None:
    result = generate(drafts_kb, FEED)
    assert (result.unanswered, result.unanswered_matched, result.unanswered_gaps) == (0, 0, [])
    assert [d.unanswered for d in list_draft_summaries(drafts_kb)] == [0, 0]


# --- CLI -----------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(template_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    shutil.copytree(template_dir, tmp_path / "kms", symlinks=True)
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    for name, value in FEED.model_dump(exclude_none=True).items():
        monkeypatch.setenv(f"KMS_DRAFTS_{name.upper()}", str(value))
    kb = KnowledgeBase(data.Settings(data_dir=tmp_path / "kms", embedder="hash"))
    ask(kb, PICKUP + DARK + CUSTOMS)
    data.close(kb)
    _register()
    return CliRunner()


def test_cli_reports_the_feed_and_the_question_gaps(cli_env: CliRunner) -> None:
    generated = cli_env.invoke(app, ["drafts", "generate"])
    assert generated.exit_code == 0, generated.output
    assert "챗봇 미응답 질문: 7건 중 4건이 초안에 연결됨" in generated.stdout
    gaps = [line for line in generated.stdout.splitlines() if "티켓이 없는 공백" in line]
    assert len(gaps) == 1 and gaps[0].startswith(
        "티켓이 없는 공백 — 직접 작성 필요 (Gaps no ticket shows — write these by hand): 질문 3건 ("
    )
    assert "관세" in gaps[0]
    listed = json.loads(cli_env.invoke(app, ["drafts", "list", "--json"]).stdout)
    assert [d["unanswered"] for d in listed] == [3, 1]
    shown = cli_env.invoke(app, ["drafts", "show", str(listed[1]["id"])])
    assert shown.exit_code == 0 and "챗봇 미응답 질문 1건" in shown.stdout
    assert "[전화번호]" in shown.stdout and PHONE not in shown.stdout
    assert "챗봇 미응답" in cli_env.invoke(app, ["drafts", "list"]).stdout


# --- migration 0012 ------------------------------------------------------------------------------


def check_migration(engine: Engine) -> None:
    to_revision(engine, "0011")
    assert "unanswered" not in {c["name"] for c in inspect(engine).get_columns("drafts")}
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(db.TopicRow.__table__.insert(), [{"id": 1, "key": "t", "size": 5, "status": "active",
                                                       "first_seen": now, "last_seen": now}])  # fmt: skip
        conn.execute(  # plain SQL: the model has the new column, the table not yet
            text("INSERT INTO drafts (id, topic_id, status, title, sections, provenance, evidence, markdown, "
                 "size, growth, created_at, updated_at) VALUES (1, 1, 'pending', 'x', '{}', '{}', '{}', '', "
                 "5, 5.0, :now, :now)"),
            {"now": now},
        )  # fmt: skip
    to_revision(engine, "0012")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT unanswered FROM drafts WHERE id = 1")) == 0  # existing drafts: 0
    to_revision(engine, "0011", down=True)
    assert "unanswered" not in {c["name"] for c in inspect(engine).get_columns("drafts")}
    db.migrate(engine)
    assert "unanswered" in {c["name"] for c in inspect(engine).get_columns("drafts")}


def test_0012_upgrades_and_downgrades(tmp_path: Path) -> None:
    on_sqlite(tmp_path, check_migration)


@pytest.mark.postgres
def test_0012_on_postgres(postgres_url: str) -> None:
    on_postgres(postgres_url, check_migration)

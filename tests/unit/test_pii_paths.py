"""Planted PII through every write path: API tickets, resolution, feedback, answers, suggestions,
CLI ingest of tickets and an article, every masked table written directly (drafts, topics,
revisions ...), updates. Afterwards 0 planted values in the SQLite file, its WAL, the index
folders, the responses and the captured logs (tests/pii_plant.py)."""

from __future__ import annotations

import csv
import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pii_plant import PLANTS, Plant, planted_text, scan_files, scan_text
from sqlalchemy.exc import IntegrityError
from test_api_kb import tiny_settings
from typer.testing import CliRunner

from assist.api import create_app
from assist.articles import get_article_view
from assist.cli.app import _register, app
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from ingest.pipeline import ingest_paths
from korean.pii import PLACEHOLDER_BY_KIND
from storage import (
    MASKED_COLUMNS,
    AnswerFeedbackRow,
    ArticleRevisionRow,
    ArticleRow,
    DraftRevisionRow,
    DraftRow,
    FeedbackRow,
    QueryLogRow,
    SuggestionRow,
    TicketRow,
    TopicRow,
    UnansweredQuestionRow,
)

try:  # API keys (access control); plain clients where the app has none
    from tests.auth import api_client
except ImportError:  # pragma: no cover
    api_client = TestClient  # type: ignore[assignment,misc]

TEXT = planted_text()
# what an article keeps as the company's own (landlines, 070, accounts, business numbers, handles)
_COMPANY_FORMS = {("phone", "landline"), ("phone", "landline parentheses"), ("phone", "internet")}
ARTICLE_PLANTS = [
    p for p in PLANTS if p.kind not in {"account", "biz", "handle"} and (p.kind, p.form) not in _COMPANY_FORMS
]


def _leaks(data_dir: Path, *texts: str, plants: list[Plant] | None = None) -> dict[str, list[str]]:
    found = scan_files([data_dir], plants or PLANTS)
    for n, text in enumerate(texts):
        if hits := scan_text(text, plants or PLANTS):
            found[f"text #{n}"] = hits
    return found


def test_api_write_paths_store_and_return_no_planted_pii(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses: list[str] = []
    with api_client(create_app(tiny_settings(data_dir, answer_use_tickets=True))) as client:
        created = client.post(
            "/v1/tickets",
            json={
                "body": f"결제가 두 번 됐어요. 환불해 주세요.\n{TEXT}",
                "subject": "환불 요청 김민수 고객님 010-1234-5678",
                "channel": "kim.minsu@gmail.com",
                "customer_ref": "010-1234-5678",
            },
        )
        assert created.status_code == 201, created.text
        ticket_id = created.json()["ticket"]["id"]
        suggestion_id = created.json()["suggestion"]["id"]
        resolved = client.post(
            f"/v1/tickets/{ticket_id}/resolve",
            json={
                "resolution": f"환불은 3~5영업일 안에 처리됩니다.\n{TEXT}",
                "tags": ["환불", "@minsu_kim88"],
            },
        )
        assert resolved.status_code == 200, resolved.text
        feedback = client.post(
            f"/v1/suggestions/{suggestion_id}/feedback",
            json={"verdict": "edited", "final_text": TEXT, "reason": TEXT},
        )
        assert feedback.status_code == 201, feedback.text
        answer = client.post("/v1/answer", json={"question": f"환불 언제 되나요? {TEXT}"})
        suggestion = client.post("/v1/suggestions", json={"inquiry": f"환불 언제 되나요? {TEXT}"})
        listed = client.get("/v1/tickets", params={"status": "resolved"})
        again = client.get(f"/v1/tickets/{ticket_id}/suggestions")
        for response in (created, resolved, feedback, answer, suggestion, listed, again):
            assert response.status_code < 500, response.text
            responses.append(response.text)
        assert "[주민등록번호]" in resolved.text and "[이름]" in resolved.text
    assert _leaks(data_dir, caplog.text, *responses) == {}


def _write_tickets_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "channel", "subject", "inquiry", "resolution", "status", "tags", "customer"])
        for n, plant in enumerate(PLANTS):
            writer.writerow(
                [
                    f"P-{n}",
                    plant.sentence[:60],
                    plant.sentence,
                    f"환불 문의입니다. {plant.sentence}",
                    f"{plant.sentence} 환불은 3~5영업일 안에 처리됩니다.",
                    "resolved",
                    f"고객::환불 {plant.sentence[:40]}",
                    plant.value,
                ]
            )


_ARTICLE = """# 개인정보가 섞인 안내 문서

## 요약
고객 개인정보를 다루는 방법을 안내합니다.

## 정책
{personal}

## 상담 스크립트
Q: 어디로 연락하나요?
A: 대표번호 1588-1234, 수신거부 080-123-4567, 본사 02-123-4567, 해외 +82-2-1234-5678 로 연락 주세요.

## 문서 관리 및 업데이트
최종 수정일: 2026-09-01
담당자: CX운영팀
"""


def test_cli_ingest_of_tickets_and_an_article_masks_and_reports_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data_dir = tmp_path / "kms"
    monkeypatch.setenv("KMS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    _write_tickets_csv(tmp_path / "tickets.csv")
    personal = "\n".join(f"- {p.sentence}" for p in ARTICLE_PLANTS)
    (tmp_path / "kb-pii.md").write_text(_ARTICLE.format(personal=personal), encoding="utf-8")
    _register()
    result = CliRunner().invoke(
        app, ["ingest", str(tmp_path / "tickets.csv"), str(tmp_path / "kb-pii.md"), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    masked = report["pii_masked"]
    assert set(masked) == {p.kind for p in PLANTS}  # counts per kind, every kind seen
    assert masked["name"] >= len([p for p in PLANTS if p.kind == "name"])
    plain = CliRunner().invoke(app, ["ingest", str(tmp_path / "tickets.csv")])
    assert "개인정보 마스킹 (PII masked):" in plain.stdout
    assert _leaks(data_dir, result.output, plain.output, caplog.text) == {}
    kb = KnowledgeBase(Settings(data_dir=data_dir, embedder="hash"))
    with kb.sessions() as session:
        article = session.get(ArticleRow, "kb-pii")
        assert article is not None
        for company in ("1588-1234", "080-123-4567", "02-123-4567", "+82-2-1234-5678"):
            assert company in article.scripts  # company lines survive in articles
        assert "[전화번호]로" not in article.scripts
        ticket = session.get(TicketRow, "P-0")
        assert ticket is not None and ticket.customer_ref == "[주민등록번호]"
        assert {r.customer_ref for r in session.query(TicketRow).filter(TicketRow.id.like("P-%"))} <= {
            *PLACEHOLDER_BY_KIND.values()
        }


def _every_masked_row(value: str) -> list[Any]:
    """One row of every table in MASKED_COLUMNS with ``value`` in every masked column."""
    now = datetime.now(UTC)
    topic = TopicRow(key="t-pii", label=value, member_ids=["P-1"])
    article = ArticleRow(
        id="A-PII",
        title=value,
        summary=value,
        steps=value,
        source="x",
        content_hash="h",
        owner=value,
        tag=value,
    )
    ticket = TicketRow(
        id="T-PII",
        channel=value,
        subject=value,
        inquiry=value,
        resolution=value,
        status="open",
        tags=[value],
        customer_ref=value,
        source="x",
        content_hash="h",
        created_at=now,
    )
    suggestion = SuggestionRow(id="S-PII", ticket=ticket, payload={"draft": {"text": value}, "list": [value]})
    draft = DraftRow(
        topic=topic,
        title=value,
        tag=value,
        sections={"steps": value},
        provenance={"steps": [value]},
        evidence={"tickets": [{"inquiry": value}]},
        markdown=value,
        reject_reason=value,
    )
    return [
        topic,
        article,
        ArticleRevisionRow(
            article=article,
            article_id="A-PII",
            version=1,
            title=value,
            sections={"steps": value},
            status="published",
            content_hash="h",
            change_note=value,
            author=value,
        ),
        ticket,
        suggestion,
        FeedbackRow(suggestion=suggestion, verdict="edited", final_text=value, reason=value),
        AnswerFeedbackRow(
            query_log=QueryLogRow(id="Q-PII", kind="answer", query_hash="h"),
            verdict="not_helpful",
            reason=value,
        ),
        draft,
        DraftRevisionRow(draft=draft, sections={"steps": value}, changed=["steps"], author=value, note=value),
        UnansweredQuestionRow(query_log=QueryLogRow(id="Q-PII-2", kind="chat", query_hash="h"), text=value),
    ]


def test_every_masked_column_is_masked_on_insert_and_update(tmp_path: Path) -> None:
    """Personal data only (an article keeps company numbers, so no landline/account plants)."""
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")
    sessions = KnowledgeBase(settings).sessions
    personal = "\n".join(p.sentence for p in ARTICLE_PLANTS)
    with sessions.begin() as session:
        rows = _every_masked_row(personal)
        session.add_all(rows)
    tables = {row.__tablename__ for row in rows}
    assert tables == set(MASKED_COLUMNS) - {"chunks"}  # chunks: bulk writes, tested through ingest
    assert scan_text(rows[1].title, ARTICLE_PLANTS) == []  # the objects in memory are masked too
    with sessions.begin() as session:  # updates go through the same choke point
        ticket = session.get(TicketRow, "T-PII")
        assert ticket is not None
        ticket.inquiry, ticket.tags = TEXT, ["@minsu_kim88", "김민수 고객님"]
        draft = session.get(DraftRow, 1)
        assert draft is not None
        draft.sections = {"steps": TEXT}
    assert scan_files([settings.data_dir]) == {}


# Agent replies as a public support dataset writes them: each opens with the customer's @handle,
# often their name, and quotes their order or customer number.
_IDENTITY_TICKETS = [
    (
        "환불은 언제 되나요?",
        "@minsu_kim88 김민수 고객님, 환불은 결제 취소 후 3~5영업일 안에 카드사로 처리됩니다. "
        "주문번호 2024-12345 확인했습니다.",
    ),
    (
        "배송이 안 와요",
        "@115712 박서연님, 배송은 보통 2~3일 걸립니다. 송장번호 612345678901 로 조회해 주세요.",
    ),
    (
        "비밀번호를 잊어버렸어요",
        "Dear Olivia, 비밀번호는 로그인 화면의 비밀번호 찾기에서 재설정할 수 있습니다. 고객번호 C-104233",
    ),
    ("Where is my refund?", "@jane.doe Hi Jane Doe, refunds take 3-5 days. Ms Jane Doe, order #987654321"),
]
_IDENTITIES = {
    "@minsu_kim88", "김민수", "2024-12345", "@115712", "박서연", "612345678901", "Olivia", "C-104233",
    "@jane.doe", "Jane Doe", "987654321",
}  # fmt: skip


def test_other_customers_identities_never_reach_answers_drafts_indexes_or_logs(
    data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    plants = [p for p in PLANTS if p.value in _IDENTITIES]
    assert {p.value for p in plants} == _IDENTITIES
    path = tmp_path / "replies.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "inquiry", "resolution", "status", "tags"])
        for n, (question, reply) in enumerate(_IDENTITY_TICKETS):
            writer.writerow([f"R-{n}", question, reply, "resolved", "고객::문의"])
    settings = tiny_settings(data_dir, answer_use_tickets=True)
    report = ingest_paths([path], settings)
    assert report.ok and report.masked["handle"] == 3 and report.masked["name"] == 5
    texts: list[str] = []
    with api_client(create_app(settings)) as client:
        for question, _ in _IDENTITY_TICKETS:
            for route, field in (("/v1/answer", "question"), ("/v1/suggestions", "inquiry")):
                response = client.post(route, json={field: question})
                assert response.status_code == 200, response.text
                texts.append(response.text)
    suggested = json.loads(texts[1])
    assert any(t["ticket_id"].startswith("R-") for t in suggested["tickets"])  # the replies were found
    assert _leaks(data_dir, caplog.text, *texts, plants=plants) == {}


def test_web_forms_store_no_planted_pii(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The agent console (new ticket, resolve, feedback, try), the KMS editor and the draft review
    forms, posted as a browser would; articles keep company lines, so the editor gets personal data.
    Pages may show a user's own typed text back; what is stored, indexed and logged never holds it."""
    from assist.drafts import get_draft, list_draft_summaries
    from tests.browser.webapp import make_app, web_kb_copy

    caplog.set_level(logging.DEBUG)
    settings = web_kb_copy(tmp_path / "kb")
    kb = KnowledgeBase(settings)
    short = planted_text(["phone", "name", "handle", "email"])
    pages: list[str] = []
    with api_client(make_app(settings), headers={"accept": "text/html"}) as client:
        created = client.post(
            "/tickets/new", data={"body": f"환불 문의\n{TEXT}", "subject": short[:80], "channel": "chat"}
        )
        assert created.status_code == 200, created.text
        ticket_id = str(created.url).rsplit("/", 1)[-1].split("?")[0]
        sid = re.search(r'action="/suggestions/([0-9a-f]+)/feedback"', created.text)
        assert sid, "no feedback form on the ticket page"
        feedback = {"verdict": "edited", "text": TEXT, "reason": short}
        pages.append(client.post(f"/suggestions/{sid.group(1)}/feedback", data=feedback).text)
        resolve = {"text": TEXT, "tag": "@minsu_kim88"}
        pages.append(client.post(f"/tickets/{ticket_id}/resolve", data=resolve).text)
        tried = client.post("/try", data={"q": TEXT})  # the page shows the asker's own text back
        assert tried.status_code == 200 and not scan_files([settings.data_dir])
        view = get_article_view(kb, "refund")
        personal = "\n".join(p.sentence for p in ARTICLE_PLANTS)
        form = {"title": view.title, **view.sections, "change_note": short} | {"policy": personal}
        edited = client.post("/kms/refund/edit", data=form)
        assert edited.status_code == 200 and "[주민등록번호]" in client.get("/kms/refund").text
        pending = list_draft_summaries(kb, status="pending")
        did = pending[0].id
        draft = get_draft(kb, did)
        sections = {"title": draft.title, **draft.sections, "steps": TEXT, "note": short}
        reviewed = client.post(f"/drafts/{did}/edit", data=sections)
        assert reviewed.status_code == 200, reviewed.text
        pages.append(reviewed.text)
        if len(pending) > 1:
            pages.append(client.post(f"/drafts/{pending[1].id}/reject", data={"reason": short}).text)
        pages += [client.get(f"/tickets/{ticket_id}").text, client.get(f"/drafts/{did}").text]
    assert _leaks(settings.data_dir, caplog.text, *pages) == {}


def test_database_errors_carry_no_row_contents(tmp_path: Path) -> None:
    """SQL errors (and so tracebacks in error logs) name the table and column, never the values."""
    sessions = KnowledgeBase(Settings(data_dir=tmp_path / "kms", embedder="hash")).sessions
    marker = "row-content-7f3a 문의 본문"

    def ticket() -> TicketRow:
        return TicketRow(id="T-1", inquiry=marker, status="open", source="x", content_hash="h")

    with sessions.begin() as session:
        session.add(ticket())
    with pytest.raises(IntegrityError) as info, sessions.begin() as session:
        session.add(ticket())
    assert "tickets.id" in str(info.value) and marker not in str(info.value)


def test_validation_errors_echo_no_pii(data_dir: Path) -> None:
    with api_client(create_app(tiny_settings(data_dir))) as client:
        response = client.post("/v1/suggestions", json={"inquiry": "환불 문의", "k": "010-1234-5678"})
    assert response.status_code == 422
    assert "010-1234-5678" not in response.text and "[전화번호]" in response.text


def test_ingest_issues_of_a_headerless_file_hold_no_pii(tmp_path: Path) -> None:
    """A file without a header row: its first row is read as column names, and issues name them."""
    from ingest.sources import read_paths

    rows = tmp_path / "export.csv"
    rows.write_text("김민수 고객님,010-1234-5678,kim.minsu@gmail.com\n문의,010-2345-6789,x@y.kr\n", "utf-8")
    plain = read_paths([rows])
    as_tickets = read_paths([rows], kind="tickets", ticket_columns={"inquiry": "본문"})
    issues = [str(i) for i in plain.issues + as_tickets.issues]
    assert issues and scan_text(" ".join(issues)) == []

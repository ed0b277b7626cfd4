"""The web "generate drafts" action shows the no-ticket gaps (topics of handed-off chatbot
questions that match no topic and no article: ``GenerateResult.unanswered_gaps``), as
``kms drafts generate`` prints them; a run without them still redirects to the queue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import assist.web.drafts as web_drafts
from assist.drafts.generate import generate
from assist.drafts.schemas import GenerateResult, QuestionGap
from assist.knowledge import KnowledgeBase
from tests.browser.webapp import page_client, web_kb_copy

GAP = QuestionGap(
    questions=3,
    keywords=["관세", "해외", "배송"],
    examples=["해외 배송 관세는 누가 내나요 [전화번호]", "관세 <b>얼마</b>예요"],
)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[TestClient, KnowledgeBase]]:
    settings = web_kb_copy(tmp_path / "kb")
    with page_client(settings) as c:
        yield c, KnowledgeBase(settings)


def with_gaps(monkeypatch: pytest.MonkeyPatch, gaps: list[QuestionGap]) -> None:
    def run(kb: KnowledgeBase, config: Any) -> GenerateResult:
        result = generate(kb, config)
        return result.model_copy(update={"unanswered_gaps": gaps})

    monkeypatch.setattr(web_drafts, "generate", run)


def test_generate_shows_the_no_ticket_gaps(
    fresh: tuple[TestClient, KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = fresh
    with_gaps(monkeypatch, [GAP])
    r = client.post("/drafts/generate", follow_redirects=False)
    assert r.status_code == 200 and "location" not in r.headers  # no masked question in a URL
    page = r.text
    assert re.search(r'class="flash" role="status">해결된 티켓 \d+건에서 반복 주제 \d+개를 찾아', page)
    gaps = page[page.index('data-testid="question-gaps"') :]
    assert (
        "티켓이 없는 공백 — 직접 작성 필요" in gaps and "<strong>질문 3건</strong> · 관세, 해외, 배송" in gaps
    )
    assert "<li>해외 배송 관세는 누가 내나요 [전화번호]</li>" in gaps
    assert "<li>관세 &lt;b&gt;얼마&lt;/b&gt;예요</li>" in gaps  # escaped
    assert 'data-testid="drafts-queue"' in page  # the queue below it
    assert "question-gaps" not in client.get("/drafts").text  # shown once, after the run
    english = client.post("/drafts/generate?lang=en", follow_redirects=False).text
    assert "Gaps no ticket shows" in english and "3 question(s)" in english


def test_generate_without_gaps_still_redirects(
    fresh: tuple[TestClient, KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = fresh
    with_gaps(monkeypatch, [])
    r = client.post("/drafts/generate", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/drafts?msg=drafts_generated")
    assert "question-gaps" not in client.get(r.headers["location"]).text

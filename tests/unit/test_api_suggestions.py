"""/v1/suggestions: contents, cited draft integrity, logging; feedback and its summary."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from test_api_kb import assert_error

from assist.knowledge import KnowledgeBase
from storage import QueryLogRow

INQUIRY = "결제가 두 번 됐어요. 환불은 언제 되나요?"


def _kb(client: TestClient) -> KnowledgeBase:
    return client.app.state.kb  # type: ignore[attr-defined,no-any-return]


def _suggest(client: TestClient, **payload: object) -> dict[str, object]:
    response = client.post("/v1/suggestions", json={"inquiry": INQUIRY, **payload})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_suggestion_has_articles_with_sections_tickets_tag_and_a_draft(client: TestClient) -> None:
    s = _suggest(client)
    articles, tickets, tag, draft = s["articles"], s["tickets"], s["tag"], s["draft"]
    assert isinstance(articles, list) and isinstance(tickets, list)
    assert isinstance(tag, dict) and isinstance(draft, dict)
    top = articles[0]
    assert top["article_id"] == "KB-101-double-charge" and top["title"] == "이중 결제 처리 가이드"
    assert top["tag"] == "고객::결제::이중결제" and top["updated_at"] == "2026-09-01"
    assert top["sections"] and {"section", "label", "chunk_id", "snippet", "score"} <= set(top["sections"][0])
    assert any(sec["label"] == "상담 스크립트" for sec in top["sections"])
    assert tickets[0]["ticket_id"] == "T-101" and tickets[0]["resolution"]
    assert tag["value"] == "고객::결제::이중결제"
    assert draft["strategy"] == "script" and "[1]" in draft["text"]
    assert set(s["timings_ms"]) >= {"embed", "dense", "bm25", "draft", "total"}  # type: ignore[arg-type]
    assert 0 <= s["confidence"] <= 1  # type: ignore[operator]


def test_every_draft_citation_points_at_an_indexed_chunk_holding_the_sentence(client: TestClient) -> None:
    index = _kb(client).index
    threshold = _kb(client).settings.answer_threshold
    drafted = 0
    for inquiry in (INQUIRY, "반품했는데 환불은 언제 되나요?", "I forgot my password", "배송이 너무 늦어요"):
        suggestion = _suggest(client, inquiry=inquiry)
        draft = suggestion["draft"]
        assert isinstance(draft, dict)
        citations = {c["n"]: c for c in draft["citations"]}
        cited = [s for s in draft["sentences"] if s["citation"] is not None]
        if suggestion["confidence"] < threshold:  # type: ignore[operator]
            assert draft["text"] == "" and not cited, inquiry  # the agent writes this one
            continue
        drafted += 1
        assert cited, inquiry
        for sentence in cited:
            chunk_id = citations[sentence["citation"]]["chunk_id"]
            assert chunk_id in index.pos_by_id, chunk_id
            chunk = index.chunks[index.pos_by_id[chunk_id]]
            assert sentence["source_text"] and sentence["source_text"] in chunk.text, (inquiry, sentence)
    assert drafted >= 2


def test_k_limits_the_articles_and_tickets(client: TestClient) -> None:
    s = _suggest(client, k=1)
    assert len(s["articles"]) == 1 and len(s["tickets"]) <= 1  # type: ignore[arg-type]


def test_suggestion_is_logged_and_stored(client: TestClient) -> None:
    s = _suggest(client, subject="이중 결제")
    with _kb(client).sessions() as session:
        logs = list(session.scalars(select(QueryLogRow)))
    assert [row.kind for row in logs] == ["suggest"]
    assert INQUIRY not in str(logs[0].hit_ids) and logs[0].query_hash  # hash only, never the text
    assert "article:KB-101-double-charge" in logs[0].hit_ids and "total" in logs[0].timings_ms
    assert client.get("/readyz").json()["counts"]["suggestions"] == 1
    assert client.post(f"/v1/suggestions/{s['id']}/feedback", json={"verdict": "used"}).status_code == 201


def test_feedback_stores_the_edit_distance_and_is_summarised(client: TestClient) -> None:
    s = _suggest(client)
    draft = s["draft"]["text"]  # type: ignore[index]
    shown = re.sub(r"\s?\[\d+\]", "", draft)  # the reply box shows the draft without [n] markers
    final = shown.replace("불편을 드려 죄송합니다.", "번거롭게 해 드려 죄송합니다.")
    url = f"/v1/suggestions/{s['id']}/feedback"
    used = client.post(url, json={"verdict": "used"}).json()
    unchanged = client.post(url, json={"verdict": "used", "final_text": shown}).json()
    edited = client.post(url, json={"verdict": "edited", "final_text": final, "reason": "표현 수정"}).json()
    rejected = client.post(url, json={"verdict": "rejected", "reason": "다른 문의"}).json()
    assert used["edit_distance"] == 0.0 and unchanged["edit_distance"] == 0.0
    assert rejected["edit_distance"] is None
    assert edited["verdict"] == "edited" and edited["suggestion_id"] == s["id"]
    assert edited["edit_distance"] == pytest.approx(Levenshtein.normalized_distance(shown, final))
    assert 0 < edited["edit_distance"] < 0.2
    summary = client.get("/v1/feedback/summary").json()
    assert summary["total"] == 4
    assert summary["verdicts"]["used"] == {"count": 2, "mean_edit_distance": 0.0}
    assert summary["verdicts"]["edited"]["mean_edit_distance"] == pytest.approx(edited["edit_distance"])
    assert summary["verdicts"]["rejected"] == {"count": 1, "mean_edit_distance": None}


def test_feedback_summary_is_empty_at_first(client: TestClient) -> None:
    summary = client.get("/v1/feedback/summary").json()
    assert summary["total"] == 0 and set(summary["verdicts"]) == {"used", "edited", "rejected"}


def test_bad_verdict_is_422(client: TestClient) -> None:
    s = _suggest(client)
    error = assert_error(client.post(f"/v1/suggestions/{s['id']}/feedback", json={"verdict": "liked"}), 422,
                         "validation_error")  # fmt: skip
    assert error["details"]["errors"][0]["field"] == "verdict"

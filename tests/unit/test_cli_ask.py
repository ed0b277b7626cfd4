"""`kms ask`: the answer the chatbot would send, from the command line (hash embedder, fresh data dir)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_cli_messages import ARTICLE, Kms, kms  # noqa: F401  (the fixture)

QUESTION = "환불 언제 되나요?"


def _ingested(kms: Kms, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "refund.md").write_text(ARTICLE, encoding="utf-8")
    assert kms("ingest", str(tmp_path / "refund.md")).code == 0


def test_ask_on_a_fresh_data_dir_says_to_ingest_first(kms: Kms, tmp_path: Path) -> None:  # noqa: F811
    run = kms("ask", QUESTION)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"error: nothing to answer from: {tmp_path / 'kms'} has no index; ")


def test_ask_prints_the_reply_its_citations_and_the_confidence_against_the_threshold(
    kms: Kms,  # noqa: F811
    tmp_path: Path,
) -> None:
    _ingested(kms, tmp_path)
    run = kms("ask", QUESTION, "--threshold", "0")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "답변 (sent)"
    assert "3~5영업일" in lines[1] and "[1]" in lines[1]
    assert lines[2].startswith("신뢰도 (confidence) ") and lines[2].endswith(" ≥ 기준 (threshold) 0.00")
    assert "환불 처리 가이드" in run.out and "article:refund" in run.out  # the citations table
    # trying the knowledge base is not customer traffic: nothing reaches the query log
    stats = json.loads(kms("stats", "--json").out)
    assert stats["database"]["query_logs"] == 0


def test_a_reply_held_back_for_low_confidence_is_shown_beside_the_hand_off(
    kms: Kms,  # noqa: F811
    tmp_path: Path,
) -> None:
    _ingested(kms, tmp_path)
    run = kms("ask", QUESTION, "--threshold", "1")
    assert run.code == 0, run.err
    assert run.out.startswith("상담원 연결 (hand-off)\n정확한 답변을 드리기 어려운 문의입니다.")
    assert "< 기준 (threshold) 1.00 · low_confidence: " in run.out
    held = run.out.split("기준 미달로 보내지 않은 답변 (held back: confidence below the threshold)\n", 1)[1]
    assert "3~5영업일" in held.splitlines()[0]
    data = json.loads(kms("ask", QUESTION, "--threshold", "1", "--json").out)
    assert data["abstained"] is True and data["threshold"] == 1.0 and data["citations"] == []
    assert data["handoff_reason"].startswith("low_confidence")
    assert "3~5영업일" in data["held_back"]["answer"] and data["held_back"]["citations"]
    assert "log_id" not in data and "features" not in data


def test_an_empty_question_is_a_one_line_error(kms: Kms, tmp_path: Path) -> None:  # noqa: F811
    _ingested(kms, tmp_path)
    run = kms("ask", "   ")
    assert run.code == 2 and run.out == ""
    assert run.err == "error: 'question' is empty; send the customer's question\n"

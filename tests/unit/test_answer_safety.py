"""Answers and reply drafts never send a case report or an agent note as a claim (tiny KB)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from assist.reply_draft import safe_body, slot_for
from assist.suggest import suggest
from korean.roles import classify
from tests.tinykb import build_tiny_kb, copy_kb


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("tiny-safety") / "kms"
    build_tiny_kb(data)
    return data


@pytest.fixture
def kb(built: Path, tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase(copy_kb(built, tmp_path / "kms"))


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in text.replace("[1]", "").replace("[2]", "").split(".") if s.strip()]


def test_the_chatbot_never_sends_the_promise_in_the_delivery_script(kb: KnowledgeBase) -> None:
    # the script answer promises "1,000원 적립금을 드리겠습니다" (for one customer): never sent
    answer = answer_question(kb, "배송이 너무 늦어요", threshold=0.0, log=False)
    assert answer.citations
    assert "드리겠습니다" not in answer.answer
    assert all(classify(s + ".").sendable for s in _sentences(answer.answer))


def test_the_agent_draft_shows_a_slot_instead_of_a_claim(kb: KnowledgeBase) -> None:
    s = suggest(kb, "배송이 너무 늦어요", log=False, today=date(2026, 11, 1))
    body = [x for x in s.draft.sentences if x.kind in ("body", "slot")]
    assert body, s.draft
    assert "드리겠습니다" not in s.draft.text
    for sentence in body:
        if sentence.kind == "body":
            label = classify(sentence.source_text or "")
            assert label.sendable or label.rewrite
        else:
            assert sentence.text.startswith("[확인 필요") and sentence.citation is None


def test_safe_body_rewrites_notes_slots_cases_and_drops_internal_lines() -> None:
    out = safe_body(
        [
            "환불은 결제 취소 후 3~5영업일 안에 처리됩니다.",
            "휴대폰 결제는 달이 바뀌면 환불 계좌로 환불된다고 안내드렸습니다.",
            "확인해 보니 고객님 주문은 어제 출고되었습니다.",
            "혜택운영팀에 수동 지급을 요청해요.",
            "적립금 2,000원을 지급해 드렸습니다.",
        ],
        "ko",
    )
    kinds = [k for k, _, _ in out]
    texts = [t for _, t, _ in out]
    assert kinds == ["body", "body", "slot"]  # one slot at most; the internal line is left out
    assert texts[1] == "휴대폰 결제는 달이 바뀌면 환불 계좌로 환불됩니다."
    assert texts[2] == "[확인 필요: 배송 상태]"
    assert slot_for("I have refunded your order.", "en") == "[To check: refund status]"


def test_suggestions_and_answers_give_the_same_confidence(kb: KnowledgeBase) -> None:
    for text in ("환불은 언제 되나요?", "비밀번호를 잊어버렸어요", "오늘 날씨 어때요?"):
        a = answer_question(kb, text, log=False)
        s = suggest(kb, text, log=False, today=date(2026, 11, 1))
        assert a.confidence == s.confidence, text


def test_below_the_threshold_the_draft_is_empty_and_no_tag_is_prefilled(kb: KnowledgeBase) -> None:
    s = suggest(kb, "김치찌개 맛있게 끓이는 법 알려줘", log=False, today=date(2026, 11, 1))
    assert s.confidence < kb.settings.answer_threshold
    assert s.draft.text == "" and s.draft.strategy == "none" and s.draft.citations == []
    assert s.tag is None
    assert s.articles  # the closest articles are still listed for the agent


def test_warm_embeds_every_answer_sentence_once(kb: KnowledgeBase) -> None:
    from assist import compose

    index = kb.index
    count = compose.warm(index)
    assert count > 10
    calls: list[int] = []
    embed = index.embedder.embed_documents

    def counting(texts: list[str]) -> object:
        calls.append(len(texts))
        return embed(texts)

    index.embedder.embed_documents = counting  # type: ignore[method-assign]
    try:
        kb.search("환불은 언제 되나요?", k=3)
        answer_question(kb, "환불은 언제 되나요?", log=False)
    finally:
        del index.embedder.embed_documents
    assert calls == [], "a warmed article sentence was embedded again on the first question"

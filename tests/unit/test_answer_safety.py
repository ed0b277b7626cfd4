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


def test_safe_body_slots_a_value_of_the_scripts_own_question() -> None:
    # the script answered "2주에서 4주로 바꿀 수 있나요?"; this inquiry did not ask about 4주
    answer = ["네, 바꿀 수 있어요.", "변경하시면 다음 결제일부터 4주 간격으로 결제되고 배송돼요."]
    question = "배송 주기를 2주에서 4주로 바꿀 수 있나요?"
    out = safe_body(answer, "ko", question=question, inquiry="8주로 바꿀 수 있나요?")
    assert [k for k, _, _ in out] == ["body", "slot"], out
    same = safe_body(answer, "ko", question=question, inquiry="4주로 바꿀래요")
    assert [k for k, _, _ in same] == ["body", "body"]
    assert [k for k, _, _ in safe_body(answer, "ko")] == ["body", "body"]


def test_safe_body_slots_a_name_of_its_own_question_where_the_inquiry_names_another() -> None:
    # a past ticket answered "카카오로 가입한거 같은데 비밀번호 찾기 하니까 회원정보 없대요"
    answer = [
        "카카오 간편가입 계정으로 바로마켓 비밀번호가 없어, '카카오로 로그인'을 이용하시도록 안내드렸습니다."
    ]
    question = "카카오로 가입한거 같은데 비밀번호 찾기 하니까 회원정보 없대요"
    other = safe_body(answer, "ko", question=question, inquiry="네이버로 가입했는데 비번찾기 해도 안되요")
    assert [k for k, _, _ in other] == ["slot"], other
    same = safe_body(answer, "ko", question=question, inquiry="카카오로 가입했는데 비번이 없대요")
    assert [k for k, _, _ in same] == ["body"], same
    # naming nothing, the inquiry is not about another service: "바로마켓 앱" still answers it
    app = ["바로마켓 앱을 최신 버전으로 업데이트해 주세요."]
    kept = safe_body(app, "ko", question="바로마켓 앱이 자꾸 꺼져요", inquiry="앱이 자꾸 꺼져요")
    assert [k for k, _, _ in kept] == ["body"]


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
    from assist import sentence_warmup

    index = kb.index
    done = sentence_warmup.warm(index, lexicon=kb.lexicon)
    assert done.sentences > 10
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


def test_steps_reach_customers_only_as_what_the_agent_is_told_to_say() -> None:
    from assist.answer_sentences import candidates_of
    from core.types import Chunk

    body = (
        "1. 주문번호로 발급 여부를 조회합니다.\n"
        "2. 용도 변경 요청이면 기존 발급을 취소하고 새 용도로 재발급합니다.\n"
        "3. 발급 완료 후 국세청 홈택스 반영까지 1~2일 걸린다고 안내합니다.\n"
    )
    steps = Chunk("article:KB-9#steps-0", "article:KB-9", "article", "영수증", "steps", body, body)
    by_text = {c.text: c for c in candidates_of([steps])}
    quoted = by_text["발급 완료 후 국세청 홈택스 반영까지 1~2일 걸린다고 안내합니다."]
    assert quoted.sendable and quoted.send_text == "발급 완료 후 국세청 홈택스 반영까지 1~2일 걸립니다."
    # the agent's own steps never go to a customer, even where they read like a rule
    assert not by_text["주문번호로 발급 여부를 조회합니다."].sendable
    assert not by_text["용도 변경 요청이면 기존 발급을 취소하고 새 용도로 재발급합니다."].sendable


@pytest.mark.parametrize(
    "sentence",
    [
        "옵션별로 신청해야 한다는 점을 안내하고, 원하는 옵션으로 다시 신청하도록 도와요.",
        "승인 내역이 없으면 오류 코드별 안내를 합니다.",
        "차감 항목을 고객에게 먼저 설명하고 동의를 받습니다.",
        "지연 건은 메모에 '환불 추적 요청'을 함께 남깁니다.",
        "수령 후 14일 이내의 초기 불량이라 교환 또는 환불이 가능합니다.",
    ],
)
def test_instructions_to_the_agent_and_judgements_on_one_case_are_not_sent(sentence: str) -> None:
    assert not classify(sentence).sendable

"""An answer may join the rule and the situation it applies to, and a situation's sentence leads
with its heading (the sentence holds only under it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.answer import answer_question
from assist.answer_sentences import Candidate, answer_texts
from assist.knowledge import KnowledgeBase
from core.types import Chunk
from korean.roles import classify
from tests.tinykb import article_kb

ARTICLE = """# 신선식품 파손 접수

## 요약
신선식품이 상하거나 파손되어 도착했을 때의 접수 기준입니다.

## 정책
- 신선식품 파손과 변질은 수령 후 24시간 이내에 사진과 함께 접수합니다.
- 일반 상품은 수령 후 30일 이내에 접수합니다.

## 주요 상황 및 해결책
### 하루가 지나서 알게 된 경우
수령 후 24시간이 지난 신선식품 변질 접수는 상품품질팀 판단을 받습니다.

### 포장만 젖은 경우
상품이 멀쩡하면 정상 배송으로 봅니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 상품품질팀
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("sections"), "fresh.md", ARTICLE))


def test_the_rule_and_the_situation_answer_together_best_first(kb: KnowledgeBase) -> None:
    question = "신선식품 변질 접수 기한이 24시간 지나면 어떻게 되나요?"
    answer = answer_question(kb, question, threshold=0.0, log=False)
    sections = [c.chunk_id.split("#", 1)[1].split("-", 1)[0] for c in answer.citations]
    assert set(sections) == {"policy", "situations"}, answer
    # the situation's sentence is quoted under its heading, after the best-fitting sentence
    assert "하루가 지나서 알게 된 경우: 수령 후 24시간이 지난" in answer.answer
    assert answer.answer.index("24시간 이내") < answer.answer.index("하루가 지나서")


def test_a_sentence_of_another_section_joins_only_when_it_fits_nearly_as_well(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "상품이 멀쩡하면 정상 배송인가요?", threshold=0.0, log=False)
    assert answer.citations and {c.chunk_id.split("#", 1)[1].split("-", 1)[0] for c in answer.citations} == {
        "situations"
    }, answer
    assert answer.answer.startswith("포장만 젖은 경우: 상품이 멀쩡하면 정상 배송으로 봅니다.")


def _situation(heading: str, *sentences: str) -> list[Candidate]:
    body = f"### {heading}\n" + " ".join(sentences)
    chunk = Chunk("article:KB-1#situations-0", "article:KB-1", "article", "t", "situations", body, body)
    return [Candidate(chunk, s, i, classify(s), heading) for i, s in enumerate(sentences)]


def test_a_situation_sentence_leads_with_its_heading_once() -> None:
    heading = "다른 주문 상품이 온 경우(송장 뒤바뀜)"
    cands = _situation(heading, "두 주문 모두 오배송입니다.", "회수 후 재발송합니다.")
    assert answer_texts(cands) == [
        "다른 주문 상품이 온 경우(송장 뒤바뀜): 두 주문 모두 오배송입니다.",
        "회수 후 재발송합니다.",
    ]


def test_another_customers_parcel_is_not_the_customer_in_the_third_person() -> None:
    # "다른 고객 주문 상품이 온 경우" names someone else; without its heading "두 주문 모두
    # 오배송입니다" would tell a customer with a split delivery that both their orders went wrong
    heading = "다른 고객 주문 상품이 온 경우(송장 뒤바뀜)"
    cands = _situation(heading, "두 주문 모두 오배송입니다.")
    assert answer_texts(cands) == [f"{heading}: 두 주문 모두 오배송입니다."]


@pytest.mark.parametrize(
    ("heading", "sentence"),
    [
        ("고객이 상품을 그냥 갖겠다고 하는 경우", "차액을 환불합니다."),  # the customer in the third person
        ("구성품 누락", "누락 구성품만 별도 발송합니다."),  # the sentence already names its situation
    ],
)
def test_no_heading_when_it_speaks_of_the_customer_or_is_already_named(heading: str, sentence: str) -> None:
    assert answer_texts(_situation(heading, sentence)) == [sentence]


def test_an_agent_two_part_action_in_english_is_not_sent() -> None:
    text = (
        "Change the address for items not yet shipped "
        "and explain the courier redirect for items already shipped."
    )
    assert not classify(text).sendable
    assert classify("Please contact your bank and ask them to allow the payment.").sendable


def test_policy_sentences_are_sent_as_written(tmp_path: Path) -> None:
    body = "- 일반 상품은 수령 후 30일 이내에 접수합니다."
    chunk = Chunk("article:KB-1#policy-0", "article:KB-1", "article", "t", "policy", body, body)
    text = "일반 상품은 수령 후 30일 이내에 접수합니다."
    assert answer_texts([Candidate(chunk, text, 0, classify(text), "")]) == [text]


def test_a_situation_sentence_is_embedded_with_its_heading(kb: KnowledgeBase) -> None:
    """The question fit of a 주요 상황 sentence is measured on "heading: sentence" (the heading
    says when it holds); other sections' sentences are embedded as they are sent."""
    from assist.answer_sentences import candidates_of, doc_chunks, vector_text

    doc_id = next(c.doc_id for c in kb.index.chunks)
    cands = candidates_of(doc_chunks(kb.index, doc_id))
    situation = next(c for c in cands if c.chunk.section == "situations" and "상품품질팀" in c.text)
    assert vector_text(situation) == f"하루가 지나서 알게 된 경우: {situation.send_text}"
    policy = next(c for c in cands if c.chunk.section == "policy")
    assert vector_text(policy) == policy.send_text


@pytest.mark.parametrize(
    ("sentence", "sent"),
    [
        (
            "가상계좌 결제 시 현금영수증을 주문서에서 신청할 수 있습니다(KB-012).",
            "가상계좌 결제 시 현금영수증을 주문서에서 신청할 수 있습니다.",
        ),
        ("구독 해지(KB-025 참조) 후 탈퇴가 가능합니다.", "구독 해지 후 탈퇴가 가능합니다."),
        ("E-3005: PG사 통신 오류(일시 장애)", "E-3005: PG사 통신 오류(일시 장애)"),
    ],
)
def test_article_ids_in_parentheses_are_not_sent(sentence: str, sent: str) -> None:
    chunk = Chunk("article:KB-1#policy-0", "article:KB-1", "article", "t", "policy", sentence, sentence)
    assert Candidate(chunk, sentence, 0, classify(sentence)).send_text == sent

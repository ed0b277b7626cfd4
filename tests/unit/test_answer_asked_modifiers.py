"""What a second round of unseen KBs showed the hand-off checks missing: what a question word asks
about, narrowed by its compound (korean.things.asked_what_modifiers), the clause that asks after a
relative clause, the polite 요 Kiwi splits from "…인가요?", how many hours and what rate
(korean.focus), an English yes/no question with a question word inside it and names of other
products (korean.things_en)."""

from __future__ import annotations

import pytest

from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from korean.clauses import sentences
from korean.focus import asked_for, unanswered
from korean.things import asked_what_modifiers, asked_what_things
from korean.things_en import asked_how_words, asked_if_words, named_words
from tests.tinykb import article_kb

ARTICLE = """# 필터 교체 안내

## 정책
- 공기청정기 헤파 필터는 12개월마다 교체합니다.
- 정수기 필터는 6개월마다 케어 매니저가 방문해 교체합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 케어팀
"""


@pytest.mark.parametrize(
    ("question", "heads", "modifiers"),
    [
        ("공기청정기 탈취 필터는 몇 개월마다 교체해 주나요?", ["필터"], ["공기", "청정기", "탈취"]),
        ("A/S로 교체한 부품이 다시 고장 나면 수리 보증 기간은 몇 개월인가요?", [], ["수리", "보증"]),
        ("한끼머니를 충전하면 충전 보너스는 몇 % 주나요?", ["보너스"], ["충전"]),
        # a relative clause's nouns describe the head after it
        ("고엽제환자 자녀 중 경도 장애인이 받는 월간 지원금은 얼마인가요?", ["지원금"], []),
        ("중장년 기업가가 기술창업센터에서 기대할 수 있는 멘토링 지원의 형태는 무엇인가요?", [], []),
        # an adverbial's modifiers (소액결제로) and the kind of information (크기 제한) are not asked
        ("지난달에 휴대폰 소액결제로 낸 주문 금액은 어떤 식으로 돌려받나요?", [], ["주문"]),
        ("기내에 들고 타는 수하물의 크기 제한은 어떻게 되나요?", ["제한"], []),
        ("동네 인증은 한 번 하면 얼마 동안 유효한가요?", [], []),
        # the question word first: nothing after it is narrowed
        ("몇 개월마다 공기청정기 탈취 필터를 교체하나요?", ["필터"], []),
    ],
)
def test_what_a_question_word_asks_about_and_its_modifiers(
    question: str, heads: list[str], modifiers: list[str]
) -> None:
    assert asked_what_things(question) == heads
    assert asked_what_modifiers(question) == modifiers


def test_the_polite_ending_kiwi_splits_off_ends_no_sentence() -> None:
    def said(text: str) -> list[str]:
        return [s.strip() for s in sentences(text) if s.strip()]

    assert said("수리 보증 기간은 몇 개월인가요?") == ["수리 보증 기간은 몇 개월인가요?"]
    assert said("환불 언제 되나 아직 안 왔어요") == ["환불 언제 되나", "아직 안 왔어요"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("modifiers"), "filters.md", ARTICLE))


def test_a_modifier_no_article_writes_is_handed_off(kb: KnowledgeBase) -> None:
    question = "공기청정기 탈취 필터는 몇 개월마다 교체해 주나요?"
    answer = answer_question(kb, question, threshold=0.0, log=False)
    assert answer.abstained and answer.confidence == 0.0, answer
    assert "탈취" in (answer.handoff_reason or ""), answer.handoff_reason
    answer = answer_question(kb, question.replace("탈취", "헤파"), threshold=0.0, log=False)
    assert not answer.abstained and answer.citations, answer


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("비 예보가 있는 날 야구 경기 우천 취소 여부는 경기 몇 시간 전에 결정되나요?", True),
        ("환불은 몇 시간 걸려요?", True),
        ("몇 시에 문 열어요?", False),
    ],
)
def test_how_many_hours_wants_a_number_of_hours(question: str, asked: bool) -> None:
    assert ("hours" in asked_for(question)) is asked
    if asked:
        assert unanswered(["경기 시작 전 우천 취소는 전액 자동 환불됩니다."], asked_for(question))
        assert not unanswered(["경기 시작 3시간 전에 결정하며, 환불은 즉시 됩니다."], asked_for(question))


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("작가님 후원하면 작가님한테 실제로 몇 퍼센트 들어가요?", True),
        ("수수료는 몇 프로예요?", True),
        ("What percentage goes to the author?", True),
        ("몇 프로그램이 있나요?", False),
    ],
)
def test_a_rate_wants_a_percentage(question: str, asked: bool) -> None:
    assert ("rate" in asked_for(question)) is asked
    if asked:
        assert unanswered(["후원은 1회 최소 10코인부터 가능합니다."], asked_for(question))
        assert not unanswered(["구매 금액의 5%를 적립합니다."], asked_for(question))


def test_an_english_yes_no_question_asks_whether_up_to_its_question_word() -> None:
    question = "Does the bank feed automatically categorise imported transactions or suggest which invoice "
    question += "they match?"
    assert "categorise" in asked_if_words(question) and "suggest" in asked_if_words(question)
    assert asked_how_words(question) == ["invoice", "match"]
    assert asked_if_words("Can you tell me what the fee is?") == []
    assert asked_if_words("can i get a description of how to use a disposable virtual card") == []
    assert asked_if_words("What is the fee? Can I pay it later?") == ["pay"]  # later: time


def test_names_are_words_written_with_a_capital_inside_a_sentence() -> None:
    assert named_words("How do I reset my password in QuickBooks Online?") == ["quickbooks", "online"]
    assert named_words("Can I pay with Apple Pay? I live in the UK.") == ["apple", "pay", "uk"]
    assert named_words("Where is the closest Mastercard ATM?") == []
    assert named_words("How do I return a coat I bought in March or on Monday?") == []
    assert named_words("Refund please. My card was charged twice") == []


ARTICLE_EN = """# Passwords and sign-in

## Policy
- To reset your password, choose Forgot password on the sign-in page and follow the emailed link.
- 5 wrong passwords in a row lock sign-in for 30 minutes.

## Document management and updates
Last updated: 2026-10-01
Owner: Security team
"""


def test_a_how_question_about_another_product_is_handed_off(tmp_path_factory: pytest.TempPathFactory) -> None:
    kb_en = KnowledgeBase(article_kb(tmp_path_factory.mktemp("named"), "passwords.md", ARTICLE_EN))
    answer = answer_question(
        kb_en, "How do I reset my password in QuickBooks Online?", threshold=0.0, log=False
    )
    assert answer.abstained and answer.confidence == 0.0, answer
    answer = answer_question(kb_en, "How do I reset my password?", threshold=0.0, log=False)
    assert not answer.abstained and answer.citations, answer

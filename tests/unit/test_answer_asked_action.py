"""What unseen KBs showed the hand-off checks missing (assist.unmentioned, korean.focus): the action
an English how-question asks about, a question that names nothing but its time words and the
unknown, and English fee and fax-number questions."""

from __future__ import annotations

import pytest

from assist.answer import answer_question
from assist.evidence import gather
from assist.knowledge import KnowledgeBase
from assist.unmentioned import unmentioned
from korean.focus import asked_for
from korean.things import circumstance_token
from korean.things_en import asked_how_action
from tests.tinykb import article_kb

ARTICLE_KO = """# 케어 방문 일정 안내

## 정책
- 케어 매니저는 평일과 토요일에 방문하며 주말 중 일요일과 공휴일에는 방문하지 않습니다.
- 방문 일정은 앱 '마이 > 케어 일정'에서 방문 2일 전까지 바꿀 수 있습니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 케어팀
"""

ARTICLE_EN = """# Insurance plans on your account

## Policy
- To add an insurance plan, go to Account > Insurance > Add plan and upload photos of both sides of your card.
- Prescriptions are billed to the plan marked as primary.

## Document management and updates
Last updated: 2026-10-01
Owner: Billing team
"""


@pytest.mark.parametrize(
    ("question", "actions"),
    [
        ("How do I remove an old insurance plan from my account?", ["remove"]),
        ("how can i just unlink my card", ["unlink"]),
        ("Is there a way? How to transfer my points", ["transfer"]),
        ("What is the fee?", []),
    ],
)
def test_the_action_a_how_question_asks_about(question: str, actions: list[str]) -> None:
    assert asked_how_action(question) == actions


@pytest.fixture(scope="module")
def kb_en(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("asked-en"), "plans.md", ARTICLE_EN))


@pytest.fixture(scope="module")
def kb_ko(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("asked-ko"), "care.md", ARTICLE_KO))


def test_a_how_question_about_an_action_no_article_names_is_handed_off(kb_en: KnowledgeBase) -> None:
    answer = answer_question(
        kb_en, "How do I remove an old insurance plan from my account?", threshold=0.0, log=False
    )
    assert answer.abstained and answer.confidence == 0.0, answer
    answer = answer_question(kb_en, "How do I add an insurance plan?", threshold=0.0, log=False)
    assert not answer.abstained and answer.citations, answer


def test_time_words_do_not_count_in_the_share_of_known_words(kb_ko: KnowledgeBase) -> None:
    assert circumstance_token("주말") and circumstance_token("이번") and circumstance_token("어떻")
    assert not circumstance_token("날씨")
    question = "이번 주말 부산 날씨 어때요?"
    evidence = gather(kb_ko, question)
    docs = list(evidence.knowledge)[:3]
    assert sorted(unmentioned(evidence, question, kb_ko.index, docs, asks_if=False)) == ["날씨", "부산"]


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Does MediNest charge a fee when my prescription is transferred out?", "cost"),
        ("Are there any extra fees for cold-chain delivery?", "cost"),
        ("What fax number should my doctor use?", "contact"),
    ],
)
def test_english_fee_and_number_questions_ask_for_them(question: str, asked: str) -> None:
    assert asked in asked_for(question)

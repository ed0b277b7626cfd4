"""A situation whose scene the inquiry never names does not lead the answer."""

from __future__ import annotations

import pytest

from assist import compose
from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from korean.things import scene_nouns
from tests.tinykb import article_kb

ARTICLE = """# 마일리지 적립과 유효기간

## 요약
마일리지 적립 기준과 유효기간을 안내합니다.

## 정책
- 마일리지는 적립일로부터 2년 동안 쓸 수 있으며 유효기간이 지나면 소멸됩니다.
- 마일리지는 항공권 결제 금액의 1%가 적립됩니다.

## 주요 상황 및 해결책
### 취소한 예약에 쓴 마일리지의 유효기간이 이미 지난 경우
되돌려 드린 마일리지의 유효기간은 되돌린 날로부터 30일입니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 멤버십팀
"""


@pytest.mark.parametrize(
    ("heading", "nouns"),
    [
        ("해외에서 휴대폰을 분실한 경우", ["해외"]),
        ("발권 후 개명으로 여권 영문명이 바뀐 경우", ["개명"]),
        ("취소한 예약에 쓴 마일리지의 유효기간이 이미 지난 경우", ["예약"]),
        # no place or means: the situation is what the inquiry says it is
        ("구매확정했는데 적립금이 없는 경우", []),
        ("주말에 배송이 늦어지는 경우", []),  # a word of time is not a scene
    ],
)
def test_the_nouns_that_set_a_situations_scene(heading: str, nouns: list[str]) -> None:
    assert scene_nouns(heading) == nouns


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("scene"), "mileage.md", ARTICLE))


def test_the_rule_answers_an_inquiry_outside_the_situation(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "마일리지 유효기간은 얼마인가요?", threshold=0.0, log=False)
    assert answer.answer.startswith("마일리지는 적립일로부터 2년 동안"), answer.answer


def test_a_situation_in_the_inquirys_scene_is_not_held_back(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "예약을 취소했는데 …" names the scene (예약): the answer is the one without the rule."""
    question = "예약을 취소했는데 쓴 마일리지 유효기간이 이미 지났으면 며칠 쓸 수 있나요?"
    with_rule = answer_question(kb, question, threshold=0.0, log=False).answer
    monkeypatch.setattr(compose, "_OTHER_SCENE", 1.0)
    assert answer_question(kb, question, threshold=0.0, log=False).answer == with_rule
    # while outside the scene the rule is what moves the situation from the lead
    outside = answer_question(kb, "마일리지 유효기간은 얼마인가요?", threshold=0.0, log=False).answer
    assert outside.startswith("취소한 예약에 쓴 마일리지의"), outside

"""A nested list's lead-in ("중도해지 이율(…):") says nothing alone, and an item ("1개월 미만: 연
0.1%") says little without it: a short list is one answer sentence, a long one is sent item by
item, each after its lead-in, and the lead-in is never sent by itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.answer import answer_question
from assist.answer_sentences import answer_texts, candidates_of, list_items, vector_text
from assist.knowledge import KnowledgeBase
from core.types import Chunk
from tests.tinykb import article_kb

RATES = """- 중도해지하면 우대금리는 적용되지 않습니다.
- 중도해지 이율(가입일부터 해지일까지의 경과 기간 기준):
  - 1개월 미만: 연 0.1%
  - 1개월 이상 3개월 미만: 기본금리의 30%
  - 3개월 이상: 기본금리의 50%
- 적금은 일부 해지가 되지 않고 전액 해지만 가능합니다."""


def _policy(body: str) -> Chunk:
    return Chunk("article:BK-6#policy-0", "article:BK-6", "article", "t", "policy", body, body)


def test_a_short_list_is_one_sentence_with_its_lead_in() -> None:
    texts = [c.text for c in candidates_of([_policy(RATES)])]
    assert texts == [
        "중도해지하면 우대금리는 적용되지 않습니다.",
        "중도해지 이율(가입일부터 해지일까지의 경과 기간 기준): 1개월 미만: 연 0.1%, "
        "1개월 이상 3개월 미만: 기본금리의 30%, 3개월 이상: 기본금리의 50%",
        "적금은 일부 해지가 되지 않고 전액 해지만 가능합니다.",
    ]


def test_a_long_list_goes_item_by_item_after_its_lead_in() -> None:
    items = "\n".join(
        f"  - {n}개월 이상 가입한 적금을 만기 전에 해지하시면 기본금리의 {n}0%를 적용합니다."
        for n in range(1, 12)
    )
    body = f"- 중도해지 이율:\n{items}\n- 적금은 일부 해지가 되지 않습니다."
    cands = candidates_of([_policy(body)])
    assert all(c.text != "중도해지 이율:" for c in cands)  # never alone
    first, second = cands[0], cands[1]
    assert first.lead == second.lead == "중도해지 이율:"
    assert cands[-1].lead == ""  # the list ended
    assert vector_text(first) == first.text  # matched as written
    # the lead-in leads the first item quoted, once
    assert answer_texts([first, second]) == [f"중도해지 이율: {first.text}", second.text]


@pytest.mark.parametrize(
    "body",
    [
        "- 다음 서류가 필요합니다:\n- 신분증\n- 통장 사본",  # not indented deeper: a list of its own
        "- 다음 서류가 필요합니다:\n\n  - 신분증",  # a blank line ends the block
        "## 서류:\n  - 신분증",  # a heading is the context, not a lead-in
    ],
)
def test_what_is_not_a_lead_in(body: str) -> None:
    assert list_items(body.splitlines(), 0) == []


ARTICLE = f"""# 적금 중도해지

## 요약
적금과 예금을 만기 전에 해지할 때의 이율과 기준입니다.

## 정책
{RATES}

## 문서 관리 및 업데이트
최종 수정일: 2026-11-01
담당자: 수신상품팀
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root: Path = tmp_path_factory.mktemp("lists")
    return KnowledgeBase(article_kb(root, "savings.md", ARTICLE))


def test_the_answer_quotes_the_whole_rate_table(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "중도해지 이율은 경과 기간에 따라 어떻게 되나요?", threshold=0.0, log=False)
    assert "1개월 미만: 연 0.1%" in answer.answer and "3개월 이상: 기본금리의 50%" in answer.answer, answer
    assert not any(line.rstrip().endswith(":") for line in answer.answer.splitlines()), answer

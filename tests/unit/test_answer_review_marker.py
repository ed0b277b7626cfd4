"""Nothing marked "검토 필요" (a rule or situation nobody has written yet, e.g. added by an update
proposal) is sent: not by the chatbot, not in an agent's reply draft."""

from __future__ import annotations

import pytest

from assist.answer import answer_question
from assist.answer_sentences import candidates_of, doc_chunks
from assist.knowledge import KnowledgeBase
from assist.reply_draft import safe_body
from tests.tinykb import article_kb

ARTICLE = """# 선물 포장 안내

## 요약
선물 포장 신청과 비용을 안내합니다.

## 정책
- 선물 포장은 주문서에서 신청하며 비용은 2,000원입니다.
- 검토 필요: 메시지 카드 문구 수정 기준을 정해 주세요.

## 주요 상황 및 해결책
### 메시지 카드 관련 문의 (검토 필요)
메시지 카드는 주문 후에도 문구를 바꿀 수 있습니다.

### 포장이 찢어져 도착한 경우
포장 불량은 사진과 함께 접수하면 포장비를 환불합니다.

## 문서 관리 및 업데이트
담당자: 상품CX팀
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("marker"), "wrap.md", ARTICLE))


def test_marked_sentences_are_never_candidates_to_send(kb: KnowledgeBase) -> None:
    [doc] = {c.doc_id for c in kb.index.chunks}
    cands = candidates_of(doc_chunks(kb.index, doc))
    marked = [c for c in cands if "검토 필요" in c.text or "검토 필요" in c.context]
    assert len(marked) == 2 and not any(c.sendable for c in marked)
    assert any(c.sendable and "2,000원" in c.text for c in cands)


@pytest.mark.parametrize(
    "question", ["메시지 카드 문구를 주문 후에 바꿀 수 있나요?", "메시지 카드 문구 수정 기준이 뭔가요?"]
)
def test_the_chatbot_never_sends_them(kb: KnowledgeBase, question: str) -> None:
    answer = answer_question(kb, question, threshold=0.0, log=False)
    assert "검토 필요" not in answer.answer
    assert "주문 후에도 문구를 바꿀 수 있습니다" not in answer.answer  # under a 검토 필요 heading


def test_reply_drafts_leave_them_out() -> None:
    body = safe_body(
        ["선물 포장 비용은 2,000원입니다.", "검토 필요: 메시지 카드 문구 수정 기준을 정해 주세요."], "ko"
    )
    assert [text for _, text, _ in body] == ["선물 포장 비용은 2,000원입니다."]

"""A reply draft's policy caveat is sent without the article ids the customer cannot open, and
still cites its exact source sentence."""

from __future__ import annotations

import pytest

from assist.evidence import gather
from assist.knowledge import KnowledgeBase
from assist.reply_draft import build_reply_draft
from tests.tinykb import article_kb

ARTICLE = """# 정기배송 해지

## 요약
정기배송 구독을 해지하는 방법입니다.

## 정책
- 정기배송 해지는 다음 결제일 3일 전까지 앱에서 할 수 있습니다(KB-025 참조).
- 정기배송 구독 중에는 회원 탈퇴를 할 수 없습니다(KB-008).

## 상담 스크립트
Q: 정기배송 해지는 어떻게 하나요?
A: 앱 마이페이지 > 정기배송 관리에서 해지를 누르시면 됩니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 고객경험팀
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("ids"), "sub.md", ARTICLE))


def test_caveats_leave_out_id_asides_and_cite_the_exact_source(kb: KnowledgeBase) -> None:
    inquiry = "정기배송 해지는 어떻게 하나요? 결제일 전에 해야 하나요"
    draft = build_reply_draft(gather(kb, inquiry), inquiry, kb.settings, confident=True)
    caveats = [s for s in draft.sentences if s.kind == "caveat"]
    assert caveats, draft
    chunks = {c.n: c.chunk_id for c in draft.citations}
    for sentence in caveats:
        assert "KB-0" not in sentence.text, sentence
        assert sentence.source_text and "(KB-0" in sentence.source_text, sentence
        chunk = kb.index.chunks[kb.index.pos_by_id[chunks[sentence.citation]]]
        assert sentence.source_text in chunk.text
    assert "KB-0" not in draft.text

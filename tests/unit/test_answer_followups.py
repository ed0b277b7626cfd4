"""A follow-up in a conversation gets what the last answer did not say, never the same sentences
again ("시키신 대로 다 해 봤는데 그래도 똑같으면요?" asks for the next step)."""

from __future__ import annotations

import re

import pytest

from assist.answer import answer_question
from assist.answer_sentences import candidates_of
from assist.knowledge import KnowledgeBase
from assist.said import said_before, said_sentences
from core.types import Chunk
from tests.tinykb import article_kb

ARTICLE = """# 앱 로그인 오류

## 요약
앱에서 로그인이 풀리거나 되지 않을 때의 안내입니다.

## 정책
- 로그인 정보는 기기마다 최대 3대까지 유지됩니다.

## 단계별 절차
1. 앱 캐시를 삭제하거나 앱을 다시 설치하도록 안내합니다.
2. 그래도 로그인이 풀리면 기기 정보와 오류 화면 캡처를 받아 앱서비스팀에 이관합니다.

## 주요 상황 및 해결책
### 로그인이 자꾸 풀리는 경우
앱에 저장된 이전 로그인 정보가 꼬인 경우가 많습니다.
앱 캐시를 삭제하시거나 앱을 삭제 후 다시 설치해 주시기 바랍니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 앱서비스팀
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("followups"), "login.md", ARTICLE))


def _sentences(answer: str) -> set[str]:
    return {re.sub(r"\s+", " ", s).strip() for s in said_sentences([answer])}


def test_said_sentences_drop_citation_marks_and_split_turns() -> None:
    said = said_sentences(["적립금은 1년간 유효합니다. [1] 소멸 30일 전에 알려 드립니다. [2]", "감사합니다."])
    assert said == ["적립금은 1년간 유효합니다.", "소멸 30일 전에 알려 드립니다.", "감사합니다."]


def test_a_follow_up_never_gets_the_last_answer_again(kb: KnowledgeBase) -> None:
    first_question = "로그인하면 자꾸 튕겨서 로그아웃돼요."
    first = answer_question(kb, first_question, threshold=0.0, log=False)
    assert first.citations, first
    history = [
        {"role": "user", "content": first_question},
        {"role": "assistant", "content": first.answer},
    ]
    again = answer_question(kb, first_question, threshold=0.0, log=False)
    assert _sentences(again.answer) & _sentences(first.answer)  # without history: the same answer
    follow_up = answer_question(kb, first_question, history=history, threshold=0.0, log=False)
    assert follow_up.citations, follow_up  # something the first answer did not say ...
    assert not _sentences(follow_up.answer) & _sentences(first.answer), (first.answer, follow_up.answer)


def test_only_assistant_turns_count_as_said(kb: KnowledgeBase) -> None:
    question = "로그인하면 자꾸 튕겨서 로그아웃돼요."
    alone = answer_question(kb, question, threshold=0.0, log=False)
    history = [{"role": "user", "content": alone.answer}]  # the customer quoting it is not an answer
    with_user_turn = answer_question(kb, question, history=history, threshold=0.0, log=False)
    assert _sentences(with_user_turn.answer) & _sentences(alone.answer)


def test_unrelated_history_changes_nothing(kb: KnowledgeBase) -> None:
    question = "로그인하면 자꾸 튕겨서 로그아웃돼요."
    alone = answer_question(kb, question, threshold=0.0, log=False)
    history = [{"role": "assistant", "content": "안녕하세요, 바로마켓 상담 챗봇입니다."}]
    assert answer_question(kb, question, history=history, threshold=0.0, log=False).answer == alone.answer


def test_a_sentence_that_says_more_than_the_last_answer_is_not_a_repeat() -> None:
    chunk = Chunk(
        chunk_id="article:KB-1#policy-0",
        doc_id="article:KB-1",
        doc_type="article",
        title="환불",
        section="policy",
        text="환불\n무통장입금 환불은 등록된 환불 계좌로 영업일 1~2일 안에 입금됩니다.",
        body="- 무통장입금 환불은 등록된 환불 계좌로 영업일 1~2일 안에 입금됩니다.",
    )
    (cand,) = candidates_of([chunk])
    assert not said_before(cand, ["환불 계좌로 입금됩니다."])
    assert said_before(cand, ["무통장입금 환불은 등록된 환불 계좌로 영업일 1~2일 안에 입금돼요."])

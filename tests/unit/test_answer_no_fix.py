"""After an answer, "I did what you said and it is still the same" is handed off: the next step of
a KMS article (an escalation, another team) is written for the agent, and answering the turn can
only repeat a neighbouring rule with confidence."""

from __future__ import annotations

import pytest

from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from korean.followup import reports_no_fix
from tests.tinykb import article_kb

ARTICLE = """# 앱 로그인 오류

## 요약
앱에서 로그인이 풀리거나 튕기는 문제의 1차 조치입니다.

## 정책
- 로그인이 자꾸 풀리면 앱 캐시를 삭제하거나 앱을 다시 설치해 주세요.
- 한 계정은 동시에 3대 기기까지 로그인됩니다.

## 단계별 절차
1. 1차 조치 후에도 같으면 기기 정보와 오류 화면 캡처를 받아 앱서비스팀에 이관합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 앱서비스팀
"""


@pytest.mark.parametrize(
    ("text", "no_fix"),
    [
        ("시키신 대로 다 해 봤는데 그래도 똑같으면요?", True),
        ("말씀하신 대로 캐시 지웠는데 여전히 튕겨요", True),
        ("재설치해 봐도 안 돼요", True),
        ("I tried that and it still logs me out.", True),
        ("I did what you said but it doesn't work.", True),
        # a new question, not a report that the fix failed
        ("그래도 환불은 되나요?", False),
        ("앱 캐시는 어떻게 지워요?", False),
        ("Is it still possible to cancel?", False),
    ],
)
def test_reports_no_fix(text: str, no_fix: bool) -> None:
    assert reports_no_fix(text) is no_fix


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("nofix"), "login.md", ARTICLE))


HISTORY = [
    {"role": "user", "content": "로그인하면 자꾸 튕겨서 로그아웃돼요."},
    {"role": "assistant", "content": "로그인이 자꾸 풀리면 앱 캐시를 삭제하거나 앱을 다시 설치해 주세요."},
]


def test_after_an_answer_a_failed_fix_is_handed_off(kb: KnowledgeBase) -> None:
    answer = answer_question(
        kb, "시키신 대로 다 해 봤는데 그래도 똑같으면요?", history=HISTORY, threshold=0.0, log=False
    )
    assert answer.abstained and answer.citations == [], answer
    assert answer.handoff_reason is not None and answer.handoff_reason.startswith("fix_failed: "), answer


def test_without_an_earlier_answer_the_same_words_are_answered(kb: KnowledgeBase) -> None:
    # the first message of a conversation states a problem; the bot has not said anything to retry
    answer = answer_question(kb, "앱 재설치해 봐도 로그인이 계속 풀려요", threshold=0.0, log=False)
    assert not answer.abstained and answer.citations, answer


def test_the_query_log_keeps_a_failed_fix_as_its_own_reason(kb: KnowledgeBase) -> None:
    """``fix_failed`` (0014), not ``no_answer``: the report counts it as an answer that did not
    help, and its text is no unanswered question for the gap topics."""
    from sqlalchemy import select

    from storage import QueryLogRow, UnansweredQuestionRow

    answer = answer_question(
        kb, "시키신 대로 다 해 봤는데 그래도 똑같으면요?", history=HISTORY, threshold=0.0
    )
    assert answer.abstained and answer.log_id
    with kb.sessions() as session:
        logged = session.get(QueryLogRow, answer.log_id)
        kept = session.scalars(select(UnansweredQuestionRow.log_id)).all()
    assert logged is not None and logged.handoff_reason == "fix_failed" and logged.abstained
    assert answer.log_id not in kept

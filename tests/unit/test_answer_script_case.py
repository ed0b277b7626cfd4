"""A 상담 스크립트 answer that reports what was checked or done for one customer goes on from that
case: the sentences after it are that customer's too, never sent to another on their own."""

from __future__ import annotations

import pytest

from assist.answer_sentences import chunk_candidates
from core.types import Chunk


def _script(question: str, answer: str, n: int) -> Chunk:
    body = f"Q: {question}\nA: {answer}"
    chunk_id = f"article:KB-9#scripts-{n}"
    return Chunk(chunk_id, "article:KB-9", "article", "t", "scripts", body, body, meta={"question": question})


@pytest.mark.parametrize(
    ("question", "answer", "roles"),
    [
        # the instruction holds only for the account that was checked (a Kakao sign-up)
        (
            "앱에서 로그인이 안 돼요.",
            "확인해 보니 고객님 계정은 카카오로 가입된 계정입니다. "
            "로그인 화면에서 '카카오로 로그인'을 눌러 주시면 정상적으로 로그인됩니다.",
            ["case_report", "case_report"],
        ),
        # a date that is this customer's: the limit lifted for the account that was restricted
        (
            "왜 글을 못 올려요?",
            "확인해 보니 고객님 계정은 3월 4일 신고 3건이 확인되어 7일 이용 제한이 걸렸습니다. "
            "제한은 3월 11일에 자동으로 해제됩니다.",
            ["case_report", "case_report"],
        ),
        (
            "I can't get in with my card.",
            "Your card was reissued yesterday and is ready to collect. Please bring photo ID.",
            ["case_report", "case_report"],
        ),
        # a rule in a case's words is no check: what follows it stands ("현재 … 확인되어 수정 중")
        (
            "결제 화면 들어가면 앱이 종료돼요.",
            "결제 화면 종료 현상은 현재 일부 안드로이드 기기에서 확인되어 수정 중입니다. "
            "임시로 모바일 웹에서 결제해 주시면 정상 결제가 가능합니다.",
            ["case_report", "general"],
        ),
        # nothing checked: every sentence keeps its own role
        (
            "비밀번호를 까먹었어요.",
            "로그인 화면의 '비밀번호 찾기'에서 휴대폰 본인인증을 하시면 바로 새 비밀번호를 설정하실 수 "
            "있습니다. 진행 중 막히는 부분이 있으면 말씀해 주시기 바랍니다.",
            ["general", "general"],
        ),
    ],
)
def test_what_follows_a_check_in_a_script_answer_is_that_customers(
    question: str, answer: str, roles: list[str]
) -> None:
    cands = chunk_candidates(_script(question, answer, len(question)))
    assert [c.role.role for c in cands] == roles, [(c.text, c.role) for c in cands]

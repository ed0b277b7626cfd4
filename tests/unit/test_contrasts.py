"""korean.contrasts: an answer about one of two exclusive cases for a question about the other
(contrary_case), or about the case the customer ruled out (excluded_case), is no answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from korean.contrasts import contrary_case, excluded_case
from tests.tinykb import article_kb


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "국내선 항공편이 항공사 사정으로 3시간 지연되면 보상은 얼마인가요?",
            "항공사 귀책 사유로 국제선이 2시간 이상 4시간 미만 지연되면 운임의 10%를 보상합니다.",
        ),
        ("체크카드도 무이자 할부가 되나요?", "신용카드는 5만 원 이상 결제 시 2~6개월 무이자 할부가 됩니다."),
        ("Are domestic transfers free?", "International transfers cost $5 each."),
    ],
)
def test_an_answer_about_the_contrary_case_is_no_answer(question: str, answer: str) -> None:
    assert contrary_case([answer], question)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        # the answer names the asked side too, or the question names both
        ("국내선도 보상되나요?", "국내선과 국제선 모두 2시간 이상 지연되면 보상합니다."),
        ("국내선이랑 국제선 수하물 규정이 달라요?", "국제선은 23kg까지 무료입니다."),
        # the answer says its case is the only one; a schedule tells the other days too
        ("해외에서도 쓸 수 있나요?", "문화누리카드는 국내 가맹점에서만 사용할 수 있습니다."),
        ("주말에도 상담 전화 되나요?", "고객센터는 평일 9시부터 18시까지 운영합니다."),
        # the question names neither side; 개인정보 is no individual customer type
        ("지연 보상은 얼마인가요?", "국제선이 2시간 이상 지연되면 운임의 10%를 보상합니다."),
        ("개인정보는 언제 파기되나요?", "법인 회원의 정보는 계약 종료 후 5년간 보관합니다."),
        # personal training is no personal (vs business) account
        ("Can I cancel a personal training session?", "Business accounts are billed monthly."),
    ],
)
def test_an_answer_naming_the_asked_case_or_no_case_stands(question: str, answer: str) -> None:
    assert not contrary_case([answer], question)


FLIGHTS = """# 항공편 지연 보상 안내

## 요약
항공사 사정으로 항공편이 지연될 때의 보상 기준입니다.

## 정책
- 항공사 귀책 사유로 국제선이 2시간 이상 4시간 미만 지연되면 해당 구간 운임의 10%를 보상합니다.
- 기상 악화 등 불가항력으로 인한 지연은 보상 대상이 아닙니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 항공팀
"""


def test_a_question_about_the_contrary_case_is_handed_off(tmp_path: Path) -> None:
    kb = KnowledgeBase(article_kb(tmp_path, "flights.md", FLIGHTS))
    question = "국내선 항공편이 항공사 사정으로 3시간 지연되면 보상은 얼마인가요?"
    answer = answer_question(kb, question, threshold=0.0, log=False)
    assert answer.abstained and answer.confidence == 0.0, answer
    answer = answer_question(kb, question.replace("국내선", "국제선"), threshold=0.0, log=False)
    assert not answer.abstained and "국제선" in answer.answer, answer


@pytest.mark.parametrize(
    ("question", "answer", "excluded"),
    [
        # two unseen-KB rows answered at 1.0 with what the customer ruled out
        (
            "킹사이즈 이불 빨래 얼마에용~? 구스 아니고 그냥 솜이불",
            "구스다운 이불은 사이즈와 관계없이 25,000원입니다.",
            True,
        ),
        (
            "에어컨 말고 세탁기 통 분해 세척 서비스도 있나요?",
            "에어컨 분해 세척 서비스는 1대 8만 원입니다.",
            True,
        ),
        ("적립금 말고 제 계좌로 받을 수 있나요?", "보상금은 적립금으로 지급합니다.", True),
        # the answer names what is asked instead, or nothing ruled out
        (
            "외국 카드 말고 해외 간편결제 수단은 뭐가 되나요?",
            "해외 간편결제는 알리페이와 페이팔을 쓸 수 있습니다.",
            False,
        ),
        (
            "구스 아니고 솜이불은 얼마예요?",
            "솜이불은 킹사이즈 15,000원, 구스다운 이불은 25,000원입니다.",
            False,
        ),
        ("에어컨 말고 세탁기도 돼요?", "세척 서비스는 앱에서 신청합니다.", False),
        # 아닌 (an adnominal: "not even family") rules nothing out of the answer
        (
            "가족도 아닌 지인한테 넘기려면 비용이 드나요?",
            "가족에게 명의를 넘길 때는 수수료가 없습니다.",
            False,
        ),
    ],
)
def test_an_answer_about_what_the_question_rules_out_is_no_answer(
    question: str, answer: str, excluded: bool
) -> None:
    assert excluded_case([answer], question) is excluded

"""The agent's first step ("…을 안내하고 …", "…인지 확인하고 …", "…을 묻고 …") is a note to the
agent, not a rule to send; what it tells the customer is sent on its own where that is safe. Nor
does a customer get the article ids agents use ("PC-006의 지역 할증", "UM-006 절차로 넘깁니다")."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.answer import answer_question
from assist.answer_sentences import without_article_ids
from assist.knowledge import KnowledgeBase
from korean.roles import classify
from tests.tinykb import article_kb


@pytest.mark.parametrize(
    ("note", "rewrite"),
    [
        ("반환 입금 예정일을 안내하고 입금 후 처리 완료로 닫습니다.", None),
        ("분실·도난 여부와 분실 시각을 확인하고 즉시 분실 정지를 처리합니다.", None),
        ("부적합 판정을 받고 30일이 지난 경우: 개선 여부를 묻고, 고쳤다면 무료 재점검을 예약합니다.", None),
        ("포인트 소멸 예정일을 먼저 안내하며, 필요하면 소멸 예정 알림을 켜 드립니다.", None),
        # what is told: the content of 다고 / 됨을 / 므로, with the situation it belongs to
        (
            "자율점검표를 또 내려는 경우: 직전 점검이 자율점검표였다면 연속 2회 제출은 안 된다고 설명하고 "
            "방문 예약을 잡습니다.",
            "자율점검표를 또 내려는 경우: 직전 점검이 자율점검표였다면 연속 2회 제출은 안 됩니다.",
        ),
        (
            "재배송을 두 번째로 요청하는 경우: 2회째 재배송부터는 2,000원이 부과됨을 미리 안내하고, "
            "영업소 직접 수령(무료)도 선택지로 알려 드립니다.",
            "재배송을 두 번째로 요청하는 경우: 2회째 재배송부터는 2,000원이 부과됩니다.",
        ),
        (
            "고속도로 갓길에서 차가 멈춘 경우: 한국도로공사 긴급견인이 안전지대까지 무료로 옮겨 주므로 먼저 "
            "안내하고, 이후 정비소까지 견인이 필요하면 긴급출동을 배정합니다.",
            "고속도로 갓길에서 차가 멈춘 경우: 한국도로공사 긴급견인이 안전지대까지 무료로 옮겨 줍니다.",
        ),
        # ... also where the rest hands the case on or asks the agent for more ("…에 이관합니다",
        # "… 권합니다"); what was found in one case is never told ("…지났음을 안내하고")
        (
            "착불 상품을 무인택배함에 넣어 달라는 요청: 착불 상품은 무인택배함 보관이 불가함을 안내하고 "
            "직접 수령이나 영업소 수령을 권합니다.",
            "착불 상품을 무인택배함에 넣어 달라는 요청: 착불 상품은 무인택배함 보관이 불가합니다.",
        ),
        (
            "포장재를 이미 버린 경우: 보상이 제한될 수 있음을 안내하고, 남아 있는 사진 자료를 최대한 받아 "
            "심사에 첨부합니다.",
            "포장재를 이미 버린 경우: 보상이 제한될 수 있습니다.",
        ),
        (
            "파손을 늦게 발견한 경우: 접수 기한이 지났음을 안내하고, 특수 사정은 보상심사팀에 이관합니다.",
            None,
        ),
        # the customer named after a modifier leaves "경우" in their place; after a noun, nothing
        (
            "이사로 동네를 바꾸려는 고객에게는 새 동네에서 먼저 인증한 뒤 기존 동네를 삭제하도록 안내합니다.",
            "이사로 동네를 바꾸려는 경우 새 동네에서 먼저 인증한 뒤 기존 동네를 삭제해 주시기 바랍니다.",
        ),
        ("만 15세 고객이 킥보드를 타려는 경우: 전동킥보드는 만 16세부터이므로 자전거를 안내합니다.", None),
    ],
)
def test_the_agents_first_step_is_a_note(note: str, rewrite: str | None) -> None:
    label = classify(note)
    assert label.role == "agent_note", label
    assert label.rewrite == rewrite


@pytest.mark.parametrize(
    "rule",
    [
        # a notice every customer gets, within its time or by its channel
        "심사 결과는 접수 후 영업일 기준 3일 이내에 안내하며, 승인되면 한도가 바로 올라갑니다.",
        "출고 전날 알림톡으로 배송 예정일을 안내하고, 출고되면 송장번호를 문자로 보내 드립니다.",
        "렌탈 기간이 끝나기 30일 전까지 문자로 반납 방법을 알리고, 반납일에 기사가 방문합니다.",
        # the company's own check (확인하며), not the agent's before acting
        "가입 자격은 매년 1월에 다시 확인하며, 자격이 없으면 다음 달부터 할인이 중지됩니다.",
        # said to the customer, or what the customer can do
        "주문 내역에서 결제 수단을 확인하고, 취소 버튼을 눌러 주세요.",
        "영수증을 확인하고 필요한 경우 앱에서 재발급하실 수 있습니다.",
        "본인 명의 계좌인지 확인하고, 맞으면 바로 등록이 가능합니다.",
    ],
)
def test_what_stays_a_rule(rule: str) -> None:
    assert classify(rule).role == "general", classify(rule)


SITUATION = (
    "고속도로 갓길에서 차가 멈춘 경우: 한국도로공사 긴급견인(1588-2504)이 가장 가까운 안전지대까지 무료로 "
    "옮겨 주므로 먼저 안내하고, 이후 정비소까지 견인이 필요하면 긴급출동을 배정합니다."
)
ARTICLE = f"""# 긴급출동 서비스 안내

## 요약
자동차보험 긴급출동 특약의 서비스와 이용 방법을 안내합니다.

## 정책
- 긴급출동은 보험기간 1년 동안 서비스 종류를 모두 합쳐 6회까지 무료입니다.
- 긴급견인은 40km까지 무료이며, 넘는 거리는 1km당 2,000원을 고객이 부담합니다.

## 주요 상황 및 해결책
- {SITUATION}

## 문서 관리 및 업데이트
최종 수정일: 2026-11-01
담당자: 자동차보상팀
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root: Path = tmp_path_factory.mktemp("steps")
    return KnowledgeBase(article_kb(root, "roadside.md", ARTICLE))


def test_the_answer_sends_what_the_step_tells_not_the_step(kb: KnowledgeBase) -> None:
    answer = answer_question(
        kb, "고속도로 갓길에서 차가 멈췄는데 어디에 먼저 연락하나요?", threshold=0.0, log=False
    )
    assert "1588-2504" in answer.answer, answer
    assert "안전지대까지 무료로 옮겨 줍니다" in answer.answer
    assert "안내하고" not in answer.answer and "배정합니다" not in answer.answer


@pytest.mark.parametrize(
    ("sentence", "sent"),
    [
        ("… 신청할 수 있습니다(KB-012).", "… 신청할 수 있습니다."),
        (
            "자동 취소 2회는 노쇼 1회로 기록됩니다(노쇼 제한 기준은 CL-002).",
            "자동 취소 2회는 노쇼 1회로 기록됩니다.",
        ),
        (
            "기존 항공권을 취소(TR-001 수수료 적용)하고 새로 구매해야 합니다.",
            "기존 항공권을 취소(수수료 적용)하고 새로 구매해야 합니다.",
        ),
        (
            "기존 예매를 취소(취소수수료 적용, TI-001)하고 다시 예매해야 합니다.",
            "기존 예매를 취소(취소수수료 적용)하고 다시 예매해야 합니다.",
        ),
        ("제주로 바꾸면 PC-006의 지역 할증이 추가됩니다.", "제주로 바꾸면 지역 할증이 추가됩니다."),
        (
            "30분 이상 늦게 도착했다면 FD-002 지연 보상 기준을 적용합니다.",
            "30분 이상 늦게 도착했다면 지연 보상 기준을 적용합니다.",
        ),
        ("You can cancel with 30 days' notice (see PF-002).", "You can cancel with 30 days' notice."),
        # an error code is what the customer sees: it stays
        ("SN-2002 오류는 동시 시청 인원 초과입니다.", "SN-2002 오류는 동시 시청 인원 초과입니다."),
        ("E-3005: PG사 통신 오류(일시 장애)", "E-3005: PG사 통신 오류(일시 장애)"),
    ],
)
def test_article_ids_are_not_sent(sentence: str, sent: str) -> None:
    assert without_article_ids(sentence) == sent


@pytest.mark.parametrize(
    "note",
    [
        "복지 요금 감면은 GS-003, 검침값이 이상한 경우는 GS-006을 참고합니다.",
        "경고가 3회 쌓여 이용 제한이 걸린 고객이면 UM-006 절차로 넘깁니다.",
        "스캔 이후라면 PC-004로 연결합니다.",
        "쇼핑몰 상품을 돌려보내는 반품 회수는 PC-008에서 다룹니다.",
        "영문 상담은 KB-EN-01을 함께 참고합니다.",
    ],
)
def test_where_the_agent_looks_next_is_a_note(note: str) -> None:
    assert classify(note).role == "agent_note", classify(note)


@pytest.mark.parametrize(
    "sentence",
    [
        "The entry log shows you checked in at 07:58, so I've reversed the no-show and returned the session.",
        "I have waived the $15 late-cancellation fee for your session on 9 May as a goodwill gesture.",
        "I've attached the form you need.",
        "We have rebooked you on the 14:00 class.",
    ],
)
def test_an_agents_own_act_in_english_is_one_case(sentence: str) -> None:
    assert classify(sentence).role == "case_report", classify(sentence)

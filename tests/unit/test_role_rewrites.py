"""Rewrites of agents' notes into customer replies (korean.roles.classify(...).rewrite): safe
where the told content is a rule ("… 환불된다고 안내드렸습니다" → "… 환불됩니다"), none where it
would claim an agent's act, hide one or state one customer's case."""

from __future__ import annotations

import pytest

from korean.roles import classify


@pytest.mark.parametrize(
    ("note", "rewrite"),
    [
        (
            "해외 발급 카드는 할부가 불가하여 일시불로만 결제 가능하다고 안내드렸습니다.",
            "해외 발급 카드는 할부가 불가하여 일시불로만 결제 가능합니다.",
        ),
        ("수령 후 반품 신청해 주시도록 안내드렸습니다.", "수령 후 반품 신청해 주세요."),
        (
            "휴대폰 결제는 달이 바뀌면 환불 계좌로 환불된다고 안내드렸습니다.",
            "휴대폰 결제는 달이 바뀌면 환불 계좌로 환불됩니다.",
        ),
        ("고객에게는 1영업일 안에 지급된다고 안내해요.", "1영업일 안에 지급됩니다."),
        # the content as a noun clause ("…됨을", "…된다는 점을") or the stated reason ("…므로")
        (
            "적립금·쿠폰은 현금 결제가 아니어서 발급 대상에서 제외됨을 안내합니다.",
            "적립금·쿠폰은 현금 결제가 아니어서 발급 대상에서 제외됩니다.",
        ),
        (
            "취소·환불은 보내는 분의 결제수단으로 진행된다는 점을 꼭 함께 안내해요.",
            "취소·환불은 보내는 분의 결제수단으로 진행됩니다.",
        ),
        ("주문 제작 상품은 취소할 수 없다는 것을 안내합니다.", "주문 제작 상품은 취소할 수 없습니다."),
        ("재고가 없으면 환불됨을 고객에게 안내합니다.", "재고가 없으면 환불됩니다."),
        (
            "여권으로 개통한 선불폰은 인증되지 않으므로 신용카드 인증을 안내합니다.",
            "여권으로 개통한 선불폰은 인증되지 않습니다.",
        ),
        # a procedure step saying when every customer is told what
        (
            "정산팀 발행 완료(영업일 2일 이내) 후 고객에게 국세청 전송 완료를 안내합니다.",
            "정산팀 발행 완료(영업일 2일 이내) 후 국세청 전송 완료 안내를 받으실 수 있습니다.",
        ),
        (
            "처리 완료 시 고객에게 문자로 결과를 안내합니다.",
            "처리 완료 시 문자로 결과 안내를 받으실 수 있습니다.",
        ),
        # what the customer is told to do becomes a request
        ("일시불로 다시 결제하도록 안내합니다.", "일시불로 다시 결제해 주시기 바랍니다."),
        (
            "기한이 당일 23:59인 경우에는 23:30 전에 입금하도록 안내합니다.",
            "기한이 당일 23:59인 경우에는 23:30 전에 입금해 주시기 바랍니다.",
        ),
        # a note in 해요체 asks in 해요체
        (
            "마이페이지 > 재입고 알림에서 필요 없는 알림을 삭제하도록 안내해요.",
            "마이페이지 > 재입고 알림에서 필요 없는 알림을 삭제해 주세요.",
        ),
        # the customer named as the subject is left out, the condition before it kept
        (
            "고객이 앱 마이페이지 > 주문내역 > 교환/반품 신청에서 직접 신청하도록 안내합니다.",
            "앱 마이페이지 > 주문내역 > 교환/반품 신청에서 직접 신청해 주시기 바랍니다.",
        ),
        ("반품 건이면 고객에게 회수 후 환불된다고 안내합니다.", "반품 건이면 회수 후 환불됩니다."),
        # what someone else does is a rule, not a request; another clause's subject does not count
        (
            "받는 분이 교환·반품을 원하면 받는 분 계정에서 신청하도록 안내해요.",
            "받는 분이 교환·반품을 원하면 받는 분 계정에서 신청합니다.",
        ),
        (
            "판매자가 직접 발행하므로 판매자 문의하기로 요청하도록 안내합니다.",
            "판매자가 직접 발행하므로 판매자 문의하기로 요청해 주시기 바랍니다.",
        ),
    ],
)
def test_safe_rewrites(note: str, rewrite: str) -> None:
    label = classify(note)
    assert label.role == "agent_note"
    assert label.rewrite == rewrite


@pytest.mark.parametrize(
    "note",
    [
        # told only once the agent's own act is done: without it the sentence is a false promise
        "카드사에 취소 전문이 전달되지 않은 경우 재전송하며, "
        "고객에게는 처리 후 다시 연락드린다고 안내합니다.",
        "1시간이 지나도 없으면 혜택운영팀에 수동 지급을 요청하고, "
        "고객에게는 1영업일 안에 지급된다고 안내해요.",
        # the kept text still holds what the agent does
        "고객이 직접 발송하길 원하면 바로로지스 반품 예약번호를 발급하고, "
        "예약번호를 송장에 적어 보내도록 안내합니다.",
        # what a check found is this case's result
        "계산은 정상임을 확인했습니다.",
        "단순변심 반품은 수령 후 7일 이내에 신청 가능하여, "
        "수령 10일째인 현재는 반품이 어렵다고 안내드렸습니다.",
        # no natural request form
        "비밀번호를 다른 사람에게 알려 주지 않도록 안내합니다.",
    ],
)
def test_no_rewrite_that_would_claim_or_hide_an_agent_act(note: str) -> None:
    label = classify(note)
    assert label.role != "general"
    assert label.rewrite is None


@pytest.mark.parametrize(
    "step",
    [
        "이관 건은 앱서비스팀 회신(영업일 2일 이내) 후 고객에게 결과를 안내합니다.",  # an internal step
        "결제CX팀 회신을 받으면 고객에게 결과를 안내합니다.",  # whose reply? no "after" to tell
        "확인해 보니 처리 후 고객에게 환불 완료를 안내합니다.",  # a case
    ],
)
def test_no_step_rewrite_without_a_general_when(step: str) -> None:
    label = classify(step)
    assert label.role == "agent_note"
    assert label.rewrite is None


def test_no_rewrite_when_the_quoted_content_is_case_specific() -> None:
    label = classify("주문하신 상품은 이미 출고되었다고 안내드렸습니다.")
    assert label.role != "general"
    assert label.rewrite is None


@pytest.mark.parametrize(
    "note",
    [
        "해당 주문은 이미 출고되었음을 안내합니다.",  # one customer's order
        "고객님 주문은 배송 중이므로 취소가 어렵다는 점을 안내합니다.",
        "확인해 보니 적립금이 소멸됐음을 안내했습니다.",
        "인증 대행사 장애 가능성이 있으므로 회원서비스팀에 공유하고, 30분 후 재시도를 안내합니다.",
        "고객 귀책 만료 건은 재발급 불가를 정중히 안내합니다.",  # a noun, not a sentence, is told
        "결제 기록을 조회해 반영 기간을 안내합니다.",
    ],
)
def test_no_rewrite_of_told_content_that_is_not_general(note: str) -> None:
    label = classify(note)
    assert label.role != "general"
    assert label.rewrite is None


@pytest.mark.parametrize(
    ("note", "rewrite"),
    [
        # the customer's own state as the reason: dropping "고객님은" made it a claim to everyone
        ("고객님은 VIP 등급이라 무료 배송이 가능하다고 안내드렸습니다.", None),
        ("고객님은 미납이 있어 한도 상향이 어렵다고 안내했습니다.", None),
        ("고객님께서는 신규 가입 회원이라 쿠폰이 발급된다고 안내드렸습니다.", None),
        # the one told, a condition or an obligation of the customer's: rules
        ("고객에게는 영업일 3일 안에 환불된다고 안내합니다.", "영업일 3일 안에 환불됩니다."),
        (
            "고객이 원하면 다음 달부터 주기를 바꿀 수 있다고 안내합니다.",
            "원하면 다음 달부터 주기를 바꿀 수 있습니다.",
        ),
        ("고객은 본인인증 후 직접 재설정해야 한다고 안내합니다.", "본인인증 후 직접 재설정해야 합니다."),
    ],
)
def test_what_was_said_of_the_customer_is_not_a_rule(note: str, rewrite: str | None) -> None:
    label = classify(note)
    assert label.role == "agent_note"
    assert label.rewrite == rewrite


@pytest.mark.parametrize(
    ("note", "rewrite"),
    [
        # one customer (asked on a date, "해당 고객"): what they were told is their case
        (
            "추석 당일(2025-10-06) 문의 고객에게 할증은 2,500원이 상한이라 추가 부과는 없다고 안내했어요.",
            None,
        ),
        ("해당 고객에게 재발급 카드는 영업일 3일 안에 도착한다고 안내드렸습니다.", None),
        ("3월 2일에 쿠폰은 당일 지급된다고 안내했습니다.", None),
        # customers in general: a rule
        ("고객에게는 환불이 3일 걸린다고 안내합니다.", "환불이 3일 걸립니다."),
    ],
)
def test_no_rewrite_of_what_one_customer_was_told(note: str, rewrite: str | None) -> None:
    label = classify(note)
    assert label.role == "agent_note"
    assert label.rewrite == rewrite


@pytest.mark.parametrize(
    ("note", "rewrite"),
    [
        # only the last predicate is conjugated again: Kiwi joined 새로+고치+ㅁ+하 as "새로곰해"
        (
            "앱을 다시 실행해 주문내역을 새로고침하도록 안내합니다.",
            "앱을 다시 실행해 주문내역을 새로고침해 주시기 바랍니다.",
        ),
        # "…해 달라고" asks a favour: 주세요, not "보관해 다세요"
        ("고객에게 음식을 버리지 말고 보관해 달라고 요청합니다.", "음식을 버리지 말고 보관해 주세요."),
        # no request form of "…할 수 있도록" ("제출할 수 있어 주시기 바랍니다")
        ("이 경우 취소 확인서를 이메일로 보내 카드사에 제출할 수 있도록 안내합니다.", None),
        # the customer's own act as the reason: their case
        ("고객님은 3월에 발급하셔서 매년 3월 결제일에 청구된다고 안내드렸습니다.", None),
        # a note opening with a bare predicate leans on the sentence before
        ("있으면 완료 또는 해지 후 탈퇴 가능함을 안내합니다.", None),
        (
            "고객이 원하면 다음 달부터 주기를 바꿀 수 있다고 안내합니다.",
            "원하면 다음 달부터 주기를 바꿀 수 있습니다.",
        ),
        # an earlier request in the agent's causative ("등록하도록 하고") is asked of the customer
        # too: it had been sent as written beside the rewritten last clause (a fresh insurance KB)
        (
            "출금이 실패한 경우: 앱에서 새 계좌를 등록하도록 하고, 밀린 보험료는 먼저 내도록 안내합니다.",
            "출금이 실패한 경우: 앱에서 새 계좌를 등록하시고, 밀린 보험료는 먼저 내 주시기 바랍니다.",
        ),
        # ... also where the note names the customer first (the words naming them are cut)
        (
            "고객에게는 앱에서 새 계좌를 등록하도록 하고, 밀린 보험료는 먼저 내도록 안내합니다.",
            "앱에서 새 계좌를 등록하시고, 밀린 보험료는 먼저 내 주시기 바랍니다.",
        ),
        # ... another verb's causative has no safe request form here: no rewrite
        ("사진을 보내도록 하고, 환불은 사흘 뒤에 받도록 안내합니다.", None),
    ],
)
def test_a_rewrite_is_a_whole_sentence_in_good_korean(note: str, rewrite: str | None) -> None:
    assert classify(note).rewrite == rewrite

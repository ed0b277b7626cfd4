"""Sentence roles beyond the shop KB's wording: other domains, other ways of addressing the customer
and other note styles (eval/data/sentence_roles_styles.jsonl, 368 sentences written for this test:
car rental, schools, apartments, games, pharmacies, airlines, telecoms, insurance, clinics, banks,
hotels, SaaS … in nine batches)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from korean.case_topic import thing_state
from korean.kiwi import kiwi
from korean.roles import classify

DATA = Path(__file__).resolve().parents[2] / "eval" / "data" / "sentence_roles_styles.jsonl"


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_styles_set_is_mixed() -> None:
    rows = _rows()
    roles = Counter(r["role"] for r in rows)
    assert len(rows) >= 200 and min(roles.values()) >= 50
    assert sum(1 for r in rows if r["lang"] == "en") >= 30


def test_roles_on_other_domains_and_styles() -> None:
    # measured 2026-12-05, the labeller at the start of the day then now: accuracy 0.7880 ->
    # 0.9674, one case's claims called general 68 of 205 -> 6 of 145 (one customer's seat, line,
    # laptop or receipt as the topic, addressed as 손님, 회원님, 환자분 …; notes ending "…요청함,
    # 회신 대기 중" or "… 물류팀 공유."; "Your subscription renewed on May 4"). Written in nine
    # batches (the eighth English only, the ninth KB-article wording); such claims per batch
    # 7 / 2 / 16 / 7 / 2 / 10 / 9 / 6 / 3 at the start, 1 / 0 / 2 / 2 / 0 / 0 / 1 / 0 / 0 now.
    # Batches 4-9 were each first measured with the rules the batches before them had led to:
    # errors 7 of 39, 2 of 38, 8 of 39, 9 of 33, 7 of 30, 4 of 36 (8, 3, 10, 10, 7, 4 with the
    # day's first rules): new wording still finds gaps. The sample and fresh KBs' 9,291 sentences:
    # three labels changed (a note's rewrite naming "다음 주 화요일", that customer's date, is no
    # longer sent; two English promises on a condition, "If it's not there after 7 business days,
    # … and we'll trace it.", are rules).
    rows = _rows()
    confusion = Counter((r["role"], classify(r["text"]).role) for r in rows)
    accuracy = sum(v for (gold, got), v in confusion.items() if gold == got) / len(rows)
    said_general = sum(v for (_, got), v in confusion.items() if got == "general")
    leaked = sum(v for (gold, got), v in confusion.items() if got == "general" and gold != "general")
    assert accuracy >= 0.94, confusion
    assert leaked / max(said_general, 1) <= 0.08, confusion


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        # the customer addressed otherwise than 고객님: their own thing is their case
        ("손님 좌석은 비상구 열이라 만 15세 미만과 함께 앉으실 수 없습니다.", "case_report"),
        ("가입자님 회선은 미납으로 발신이 정지된 상태입니다.", "case_report"),
        ("환자분 다음 진료는 금요일 오전 10시 정형외과로 예약되어 있어요.", "case_report"),
        ("학생분 계정은 등록금 미납으로 현재 수강 신청이 제한된 상태입니다.", "case_report"),
        ("회원님은 언제든지 마이페이지에서 탈퇴하실 수 있습니다.", "general"),
        ("학생분이 휴학을 신청하면 남은 등록금은 다음 학기로 이월됩니다.", "general"),
        # what the customer did with it, in the honorific past, then its state
        ("맡기신 노트북은 액정 교체가 필요해 수리비 18만 원이 예상됩니다.", "case_report"),
        ("올려 주신 영수증은 금액이 흐려서 다시 제출해 주셔야 합니다.", "case_report"),
        ("구매하신 제품은 단종 모델이라 동일 상품으로 교환이 어렵습니다.", "case_report"),
        ("제출하신 진단서에 질병코드가 빠져 있어 심사가 멈춰 있습니다.", "case_report"),
        ("가입하신 보험은 다음 달 15일에 만기가 돌아옵니다.", "case_report"),
        ("구매하신 상품은 수령 후 7일 이내에 반품을 신청하실 수 있습니다.", "general"),
        ("보내 주신 서류는 영업일 기준 2일 안에 검토 결과를 문자로 알려 드립니다.", "general"),
        ("예약하신 객실이 만실인 경우 같은 등급의 다른 객실로 바꿔 드립니다.", "general"),
        # the customer's time left, what the system shows for them, their calendar
        ("고객님은 약정이 4개월 남아 현재 해지하시면 위약금 62,400원이 발생합니다.", "case_report"),
        ("고객님 청구 건은 서류 보완 요청 상태로 조회됩니다.", "case_report"),
        ("지난번 진료 때 처방받으신 약은 아직 5일분이 남아 있는 걸로 나오네요.", "case_report"),
        ("보호자님, 초코는 다음 주 화요일이 광견병 접종 예정일이에요.", "case_report"),
        ("시스템 오류로 쿠폰을 쓰지 못한 것으로 확인되면 같은 조건의 쿠폰을 1회 재발급합니다.", "general"),
        ("변경한 요금제는 신청한 달의 다음 달 1일 0시부터 적용됩니다.", "general"),
        # a note's first clause ending like a note, before a comma (not a list item in brackets)
        ("공항 지점에 수하물 위치 조회 요청해 둠, 결과 받으면 콜백.", "agent_note"),
        ("카드사 확인 요청함, 회신 대기 중.", "agent_note"),
        ("기사 민원(불친절, 물품 던짐, 연락 없는 임의 위탁 등)은 고객센터로 받습니다.", "general"),
        # English: this customer's record, a log line, a condition
        ("Your subscription renewed on May 4 at the annual rate.", "case_report"),
        ("Your order left our warehouse this morning and should arrive on Friday.", "case_report"),
        ("Your booking shows two adults and one child for three nights.", "case_report"),
        ("According to our records, your last payment bounced.", "case_report"),
        ("It looks like the courier tried to deliver on Tuesday but nobody was home.", "case_report"),
        ("Called the hotel to confirm the late checkout; they agreed to 1 pm.", "agent_note"),
        ("Waiting on the warehouse to confirm stock before offering an exchange.", "agent_note"),
        ("If your package is marked delivered but you cannot find it, contact us in 48 hours.", "general"),
        ("You can change your delivery address until the order is packed.", "general"),
        ("Your replacement is on its way and will arrive by Thursday.", "case_report"),
        ("Your promo code did not apply because the order total was below $30.", "case_report"),
        ("The technician visited on Monday and replaced the faulty part.", "case_report"),
        ("Internal: do not mention the warehouse fire to customers.", "agent_note"),
        ("연장 요청이 3회 이상이면 지점장 확인 후 승인합니다.", "agent_note"),
        ("향정신성 약물 처방 문의는 상담에서 답하지 말고 진료과로 연결합니다.", "agent_note"),
        ('Use macro "Late delivery apology" for these cases.', "agent_note"),
        ("If the item arrives damaged, send us a photo within 7 days and we will replace it.", "general"),
    ],
)
def test_examples(sentence: str, role: str) -> None:
    assert classify(sentence).role == role, classify(sentence)


def test_a_clock_time_is_no_condition() -> None:
    # "10시" is a time, not "환불 시" (when …): the state after it still counts
    def tokens(text: str) -> list[tuple[str, str]]:
        return [(t.form, t.tag) for t in kiwi().tokenize(text)]

    assert thing_state(tokens("환자분 다음 진료는 금요일 오전 10시로 예약되어 있어요."))
    assert not thing_state(tokens("구매하신 상품은 환불 시 쿠폰이 복원된 상태입니다."))

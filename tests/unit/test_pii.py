"""PII masking: every kind in Korean sentences, the look-alikes that must survive, idempotence."""

from __future__ import annotations

import random

import pytest

from core.masking import mask_record_article, mask_record_ticket
from core.records import ArticleRecord, TicketRecord
from korean.pii import (
    PII_PLACEHOLDERS,
    PiiMatch,
    find_pii,
    luhn_ok,
    mask_pii,
)

RRN, PHONE, EMAIL, CARD = "[주민등록번호]", "[전화번호]", "[이메일]", "[카드번호]"
ACCOUNT, BIZ = "[계좌번호]", "[사업자등록번호]"
FRN, ORDER, NAME = "[외국인등록번호]", "[주문번호]", "[이름]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 주민등록번호 / 외국인등록번호
        ("고객 주민등록번호는 900101-1234567 입니다.", f"고객 주민등록번호는 {RRN} 입니다."),
        ("주민번호 9001012234567 확인 부탁드립니다.", f"주민번호 {RRN} 확인 부탁드립니다."),
        ("외국인등록번호 851231-5123456로 조회", f"외국인등록번호 {FRN}로 조회"),
        ("생년월일 포함 040229-3123456(윤년)", f"생년월일 포함 {RRN}(윤년)"),
        ("뒷자리 가린 번호 900101-1****** 도 가립니다", f"뒷자리 가린 번호 {RRN} 도 가립니다"),
        # mobile phones
        ("연락처는 010-1234-5678입니다.", f"연락처는 {PHONE}입니다."),
        ("010 1234 5678 로 전화 주세요", f"{PHONE} 로 전화 주세요"),
        ("번호: 01012345678", f"번호: {PHONE}"),
        ("번호: 010.9876.5432, 011-123-4567", f"번호: {PHONE}, {PHONE}"),
        ("T.010-2222-3333 으로 연락", f"T.{PHONE} 로 연락"),
        # +82 forms
        ("해외에서는 +82 10-1234-5678로", f"해외에서는 {PHONE}로"),
        ("+82-10-1234-5678 또는 +821012345678", f"{PHONE} 또는 {PHONE}"),
        ("사무실 +82 (0)2-123-4567", f"사무실 {PHONE}"),
        # landlines, 070, 050x
        ("매장 02-123-4567, 본사 02-1234-5678", f"매장 {PHONE}, 본사 {PHONE}"),
        ("지점 031-123-4567 / 051.234.5678", f"지점 {PHONE} / {PHONE}"),
        ("(031) 123-4567 번으로", f"{PHONE} 번으로"),
        ("인터넷전화 070-1234-5678, 안심번호 0505-123-4567", f"인터넷전화 {PHONE}, 안심번호 {PHONE}"),
        # e-mail
        ("메일 test@example.com으로 보내 주세요.", f"메일 {EMAIL}로 보내 주세요."),
        ("회신: kim.cs+refund@shop.co.kr 로", f"회신: {EMAIL} 로"),
        ("메일주소user_01@naver.com입니다", f"메일주소{EMAIL}입니다"),
        # cards (Luhn-valid test numbers)
        ("카드 4111-1111-1111-1111 결제", f"카드 {CARD} 결제"),
        ("카드번호 5555 5555 5555 4444 확인", f"카드번호 {CARD} 확인"),
        ("카드 4012888888881881로 결제", f"카드 {CARD}로 결제"),
        ("아멕스 3782-822463-10005", f"아멕스 {CARD}"),
        ("아멕스 378282246310005", f"아멕스 {CARD}"),
        # accounts with a bank word
        ("국민은행 123456-01-123456 으로 입금", f"국민은행 {ACCOUNT} 로 입금"),
        ("신한 110-123-456789로 환불", f"신한 {ACCOUNT}로 환불"),
        ("우리은행 1002-123-456789", f"우리은행 {ACCOUNT}"),
        ("카카오뱅크 3333-01-1234567 예금주 홍길동", f"카카오뱅크 {ACCOUNT} 예금주 {NAME}"),
        ("환불 계좌: 12345601123456", f"환불 계좌: {ACCOUNT}"),
        ("토스뱅크 1000-1234-5678", f"토스뱅크 {ACCOUNT}"),
        ("refund account 110-1234-56789", f"refund account {ACCOUNT}"),
        # accounts without a bank word
        ("입금처 123456-01-123456 확인", f"입금처 {ACCOUNT} 확인"),
        ("번호 301-0123-4567-11 로", f"번호 {ACCOUNT} 로"),
        # 사업자등록번호
        ("사업자등록번호 123-45-67890", f"사업자등록번호 {BIZ}"),
        ("판매자 220-81-62517 입니다", f"판매자 {BIZ} 입니다"),
        ("국민은행 123-45-67890 계좌", f"국민은행 {ACCOUNT} 계좌"),
    ],
)
def test_masks_each_kind(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "가격은 3,000원, 총 1,234,567원입니다.",
        "처리일 2026-11-05 14:30, 2026.11.05, 26/11/05",
        "수량 3개, 무게 2.5kg, 버전 1.10.2",
        "고객센터 1588-1234, 1577-0000, 1544-1111, 1600-0000 로 문의",
        "대표번호 1644-1234 / 1661-1234 / 1670-1234 / 1688-1234 / 1800-1234 / 1899-1234",
        "관련 문서 KB-003, KB-1024, 티켓 T-10001",
        "카드 4111-1111-1111-1112 는 Luhn 실패",
        "1234567812345678 는 Luhn 실패한 16자리",
        "생일처럼 보이는 991399-1234567 은 13월이라 아님",
        "990230-1234567 은 2월 30일이라 아님",
        "2026-11-05-1430 은 날짜와 시각",
        "2026년 11월 5일 오후 3시",
        "CJ대한통운 6543-2109-8765 배송 중",
        "우체국택배 6543-2109-8765 조회",
    ],
)
def test_lookalikes_survive(text: str) -> None:
    assert mask_pii(text) == text
    assert find_pii(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("주문번호 2026110512345 확인했습니다.", f"주문번호 {ORDER} 확인했습니다."),
        ("주문번호 4111111111111111 은 카드가 아닙니다.", f"주문번호 {ORDER} 는 카드가 아닙니다."),
        ("주문 9001011234567 건", f"주문 {ORDER} 건"),
        ("운송장 123456789012 조회", f"운송장 {ORDER} 조회"),
    ],
)
def test_order_words_make_an_order_reference(text: str, expected: str) -> None:
    """A number after an order word is no card or 주민번호, but it is a customer's order: masked."""
    assert mask_pii(text) == expected


def test_find_pii_reports_kind_offsets_and_value() -> None:
    text = "연락처 010-1234-5678, 메일 a@b.kr"
    found = find_pii(text)
    assert found == [
        PiiMatch("phone", 4, 17, "010-1234-5678"),
        PiiMatch("email", 22, 28, "a@b.kr"),
    ]
    assert all(text[m.start : m.end] == m.value for m in found)
    assert found[0].placeholder == PHONE


def test_overlaps_are_resolved_once_by_priority() -> None:
    # An RRN is also a 13-digit account-like run after 계좌; a phone is also a 3-group account.
    assert mask_pii("계좌 900101-1234567") == f"계좌 {RRN}"
    assert mask_pii("은행 010-1234-5678") == f"은행 {PHONE}"
    # A phone-shaped number inside an e-mail stays part of the e-mail.
    assert mask_pii("01012345678@naver.com") == EMAIL


def test_particles_after_pii_are_kept() -> None:
    text = "010-1234-5678로 전화하거나 test@example.com으로 메일, 신한 110-123-456789에 입금"
    assert mask_pii(text) == f"{PHONE}로 전화하거나 {EMAIL}로 메일, 신한 {ACCOUNT}에 입금"


def test_explicit_account_word_beats_order_word() -> None:
    assert mask_pii("주문 취소 환불계좌 110-123-456789") == f"주문 취소 환불계좌 {ACCOUNT}"


def test_bank_word_applies_only_to_the_next_number() -> None:
    text = "국민은행 123456-01-123456, 문의번호 12345678901"
    assert mask_pii(text) == f"국민은행 {ACCOUNT}, 문의번호 12345678901"


def test_masking_is_idempotent() -> None:
    text = (
        "주민 900101-1234567, 010-1234-5678, a@b.com, 4111 1111 1111 1111, "
        "신한 110-123-456789, 사업자 123-45-67890, 주문번호 2026110512345, 1588-1234"
    )
    once = mask_pii(text)
    assert mask_pii(once) == once
    assert find_pii(once) == []
    assert "2026110512345" not in once and f"주문번호 {ORDER}" in once and "1588-1234" in once


def test_idempotent_on_random_digit_soup() -> None:
    rng = random.Random(7)
    atoms = [
        "010",
        "1234",
        "5678",
        "-",
        " ",
        ".",
        "02",
        "계좌 ",
        "주문 ",
        "사업자 ",
        "+82",
        "@",
        "x.com",
        "900101",
        "1",
        "0",
        "3333",
        "4111",
        "로 ",
        "은행",
        "[",
        "]",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 12)))
        once = mask_pii(text)
        assert mask_pii(once) == once, text


def test_placeholders_are_never_masked() -> None:
    text = " ".join(sorted(PII_PLACEHOLDERS))
    assert mask_pii(text) == text
    assert len(PII_PLACEHOLDERS) == 15  # 13 kinds, then addresses and car plates (korean.pii.places)


def test_luhn() -> None:
    assert luhn_ok("4111111111111111")
    assert luhn_ok("378282246310005")
    assert not luhn_ok("4111111111111112")


def test_mask_record_article_masks_free_text_only() -> None:
    rec = ArticleRecord(
        article_id="KB-010",
        title="010-1234-5678 고객 응대",
        sections={
            "purpose": "메일 kim.minsu@gmail.com 문의, 안내 cs@shop.com",
            "steps": "1. 계좌 110-123-456789 확인",
        },
        source="kb/010.md",
        tag="고객::환불",
        missing=["policy"],
    )
    masked = mask_record_article(rec)
    assert masked.title == f"{PHONE} 고객 응대"
    # article mode: a personal e-mail goes; the company's role address and account stay
    assert masked.sections == {
        "purpose": f"메일 {EMAIL} 문의, 안내 cs@shop.com",
        "steps": "1. 계좌 110-123-456789 확인",
    }
    assert (masked.article_id, masked.source, masked.tag, masked.missing) == (
        "KB-010",
        "kb/010.md",
        "고객::환불",
        ["policy"],
    )
    assert rec.title == "010-1234-5678 고객 응대"  # the original is untouched
    assert masked.missing is not rec.missing


def test_mask_record_ticket_masks_free_text_only() -> None:
    rec = TicketRecord(
        ticket_id="T-10001",
        inquiry="제 번호는 010-1111-2222 이고 주문번호 2026110512345 입니다",
        source="t.csv",
        subject="kim@example.com 환불 요청",
        resolution="국민은행 123456-01-123456 으로 환불 완료",
        tags=["환불"],
        customer_ref="010-1111-2222",
    )
    masked = mask_record_ticket(rec)
    assert masked.inquiry == f"제 번호는 {PHONE} 이고 주문번호 {ORDER} 입니다"
    assert masked.subject == f"{EMAIL} 환불 요청"
    assert masked.resolution == f"국민은행 {ACCOUNT} 로 환불 완료"
    assert masked.customer_ref == PHONE
    assert masked.ticket_id == "T-10001" and masked.tags == ["환불"]
    assert rec.inquiry.startswith("제 번호는 010")

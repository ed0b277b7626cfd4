"""Personal data in customers' own words: addresses, car plates, self-given names, account
holders, login ids, English names and addresses (korean.pii.places), on 60 lines written for the
check in three sets (README: Personal data)."""

from __future__ import annotations

import pytest

from korean.pii import mask_pii


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("김민수 고객님이 어제 전화하셨어요.", ["김민수"]),
        ("홍길동님 주문 건 확인 부탁드립니다.", ["홍길동"]),
        ("제 이름은 박지영이고 연락처는 010-1234-5678입니다.", ["박지영", "010-1234-5678"]),
        ("연락처 010.9876.5432로 연락 주세요.", ["010.9876.5432"]),
        ("전화번호 01012345678 로 문자 주세요", ["01012345678"]),
        ("+82 10 2345 6789 로 연락 바랍니다", ["2345 6789"]),
        ("이메일은 minsu.kim@example.co.kr 입니다", ["minsu.kim@example.co.kr"]),
        ("주문번호 20251105-0012345 배송 언제 와요?", ["20251105-0012345"]),
        ("주문번호: ORD-2025-778812 입니다", ["ORD-2025-778812"]),
        ("카드번호 4111 1111 1111 1111 로 결제했어요", ["4111 1111 1111 1111"]),
        ("주민번호 900101-1234567 인데요", ["900101-1234567"]),
        ("계좌 110-123-456789 신한은행 김철수", ["110-123-456789", "김철수"]),
        ("서울시 강남구 테헤란로 123, 45층 4501호로 보내주세요", ["테헤란로 123"]),
        ("받는 사람 이영희, 경기도 성남시 분당구 판교역로 235", ["이영희", "판교역로 235"]),
        ("인스타 @baro_minsu 로 DM 보냈어요", ["@baro_minsu"]),
        ("고객번호 C-10023345 조회 부탁해요", ["C-10023345"]),
        ("차량번호 12가 3456 렌트 연장하고 싶어요", ["12가 3456"]),
        ("여권번호 M12345678 로 예약했습니다", ["M12345678"]),
        ("회원 ID kimminsu88 로 로그인이 안 돼요", ["kimminsu88"]),
        ("My name is John Smith and my order is #A12345.", ["John Smith", "A12345"]),
        ("Call me at (415) 555-0132 please.", ["555-0132"]),
        ("Email me at jane.doe@gmail.com", ["jane.doe@gmail.com"]),
        ("송장번호 6012-3456-7890 조회가 안 돼요", ["6012-3456-7890"]),
        ("사업자번호 123-45-67890 으로 세금계산서 주세요", ["123-45-67890"]),
        ("저 최수진인데요 환불 어떻게 됐나요", ["최수진"]),
        ("안녕하세요 저는 정하늘입니다 주문 확인 부탁드려요", ["정하늘"]),
        ("주소는 부산광역시 해운대구 우동 1408-3 입니다", ["우동 1408-3"]),
        ("배송지: 대전시 유성구 대학로 99 KAIST 본관", ["대학로 99"]),
        ("아파트 305동 1102호로 배송해주세요", ["305동 1102호"]),
        ("제 차 34머 5678 인데 주차 정산이 안 됐어요", ["34머 5678"]),
        ("입금자명 김하나로 3만원 보냈어요", ["김하나"]),
        ("예금주 박서준 계좌로 환불해주세요", ["박서준"]),
        ("010 4321 8765 로 연락주세요", ["010 4321 8765"]),
        ("메일 주소가 kim_haneul@naver.com 이에요", ["kim_haneul@naver.com"]),
        ("아이디: happy_day2020", ["happy_day2020"]),
        ("닉네임 별빛소녀99 로 활동하는데 정지당했어요", ["별빛소녀99"]),
        ("주문번호 is 1234-5678-90", ["1234-5678-90"]),
        ("Hi, I'm Sarah Connor and I need help with my account.", ["Sarah Connor"]),
        ("Ship it to 1600 Amphitheatre Parkway, Mountain View, CA 94043", ["1600 Amphitheatre Parkway"]),
        ("My phone is 415-555-0199", ["415-555-0199"]),
        ("Account holder: Michael Brown", ["Michael Brown"]),
        ("택배 기사님이 이민호 씨 집 앞에 두고 가셨대요", ["이민호"]),
        ("수령인 한지민 님 부재중이라 반송됐어요", ["한지민"]),
        ("저는 강다은이에요 어제 주문한 거 취소해 주세요", ["강다은"]),
        ("인천시 연수구 송도과학로 32 송도테크노파크 IT센터로 와주세요", ["송도과학로 32"]),
        ("제 번호는 010-5555-1212 이고 이름은 오세훈입니다", ["010-5555-1212", "오세훈"]),
        ("계좌번호 3333-01-2345678 카카오뱅크 남궁민", ["3333-01-2345678", "남궁민"]),
        ("렌트 차량 157하 2234 반납했어요", ["157하 2234"]),
        ("This is Emily Clark, order 77812 never arrived.", ["Emily Clark"]),
        ("Please send it to 42 Wallaby Way, Sydney.", ["42 Wallaby Way"]),
        ("받는분 성함 장보고 로 해주세요", ["장보고"]),
        ("회원아이디 star_light7 탈퇴 처리해 주세요", ["star_light7"]),
        ("고양시 일산동구 중앙로 1275번길 38-10 으로 바꿔주세요", ["중앙로 1275번길 38-10"]),
        ("104동 702호 택배 분실됐어요", ["104동 702호"]),
        ("주민번호 앞자리 950312 만 알려드릴게요", ["950312"]),
        ("집 전화 031-987-6543 으로 연락 주세요", ["031-987-6543"]),
        ("My email is tom.hardy1977@outlook.com", ["tom.hardy1977@outlook.com"]),
        ("문정동 88-12 2층으로 와주세요 송파구요", ["문정동 88-12"]),
    ],
)
def test_no_value_survives(text: str, secrets: list[str]) -> None:
    masked = mask_pii(text)
    assert not [s for s in secrets if s in masked], masked


@pytest.mark.parametrize(
    "text",
    [
        # what looks like them and is not
        "만 14세 미만 자녀는 보호자 계정으로 신청합니다.",
        "반송 운임은 보내는 분 부담입니다.",
        "가상계좌로 결제한거 환불받을 계좌 국민은행 [계좌번호] 여기로 넣어주세요",
        "Bring your ID card to the front desk.",
        "3번 출구로 5분 걸어오시면 됩니다.",
        "30일 1000원 할인 쿠폰",
        "고객 요구 사항으로 3일 안에 처리합니다.",
        "I'm Korean and I live in Seoul.",
        "저는 주문 취소하고 싶어요",
        "송장번호 [주문번호] 조회가 안 돼요",
    ],
)
def test_no_false_identity(text: str) -> None:
    assert mask_pii(text) == text


def test_articles_keep_their_own_address() -> None:
    text = "본사: 서울시 강남구 테헤란로 123, 4층 (바로마켓 고객센터)"
    assert mask_pii(text, mode="article") == text
    assert "[주소]" in mask_pii(text)


def test_a_name_said_on_its_own_after_the_name_was_mentioned() -> None:
    assert mask_pii("동생 이름으로 주문했어요 윤서아요") == "동생 이름으로 주문했어요 [이름]요"
    assert mask_pii("받는 분 성함이요? 김민준이요") == "받는 분 성함이요? [이름]이요"
    assert mask_pii("이름 바꾸고 싶어요 정말이요") == "이름 바꾸고 싶어요 정말이요"
    assert (
        mask_pii("주문자 이름이 다른데 괜찮나요? 박서준입니다")
        == "주문자 이름이 다른데 괜찮나요? [이름]입니다"
    )


def test_known_gaps() -> None:
    # a card's last four digits are not found (left as written)
    assert "1234" in mask_pii("카드 끝자리 1234로 결제했어요")

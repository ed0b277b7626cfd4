"""Service references and game identities in customers' own words (korean.pii.identity,
korean.pii.places): a game's UID and nickname, an app store's receipt number, a booking code
written on its own. Found in the held-out Korean intent sets (eval/data/gaps_intents_ko:
game_mobile, travel_air), where they reached stored tickets and a knowledge-gap draft titled
"UID 안내" that quoted a player's UID."""

from __future__ import annotations

import pytest

from korean.pii import mask_pii

ORDER, CUSTOMER, HANDLE = "[주문번호]", "[고객번호]", "[아이디]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("UID 88213045 계정 삭제 요청합니다.", f"UID {CUSTOMER} 계정 삭제 요청합니다."),
        ("3서버 UID 70231984입니다 패키지가 안 왔어요", f"3서버 UID {CUSTOMER}입니다 패키지가 안 왔어요"),
        ("유저 ID 55120397 정지 사유 알려주세요", f"유저 ID {CUSTOMER} 정지 사유 알려주세요"),
        ("계정번호: 40917725 해킹 의심", f"계정번호: {CUSTOMER} 해킹 의심"),
        ("my account id is 55123344", f"my account id is {CUSTOMER}"),
        ("player id 99887766 was banned", f"player id {CUSTOMER} was banned"),
        ("영수증 번호 GPA.3371-2290-1183-55210 입니다.", f"영수증 번호 {ORDER} 입니다."),
        ("영수증 GPA.3345-7712-0093-48261 외 3건", f"영수증 {ORDER} 외 3건"),
        ("주문번호 GPA.3317-0064-5812-39975 결제취소", f"주문번호 {ORDER} 결제취소"),
        ("주문 번호 A1234567 확인 부탁드려요", f"주문 번호 {ORDER} 확인 부탁드려요"),
        ("호텔 예약 HT2211876 취소 부탁드립니다.", f"호텔 예약 {ORDER} 취소 부탁드립니다."),
        ("증권번호 TI2024-55812 청구하려고요", f"증권번호 {ORDER} 청구하려고요"),
        ("접수번호 ICNKE12345 조회해 주세요", f"접수번호 {ORDER} 조회해 주세요"),
        ("HT4412007 예약 취소 부탁드립니다.", f"{ORDER} 예약 취소 부탁드립니다."),
        ("지연 보상금 신청합니다. HT7712008 어제 출발편", f"지연 보상금 신청합니다. {ORDER} 어제 출발편"),
        ("닉네임 '흑염룡' 계정 정지 사유 문의합니다.", f"닉네임 '{HANDLE}' 계정 정지 사유 문의합니다."),
        ("루나섭 닉 '새벽안개'인데 방어구가 없어졌어요", f"루나섭 닉 '{HANDLE}'인데 방어구가 없어졌어요"),
        ("핵 유저 신고합니다 닉네임 '무적전사99'", f"핵 유저 신고합니다 닉네임 '{HANDLE}'"),
        ('캐릭터명 "달빛기사" 복구해 주세요', f'캐릭터명 "{HANDLE}" 복구해 주세요'),
        ("Please ban nickname 'DarkKnight77'", f"Please ban nickname '{HANDLE}'"),
    ],
)
def test_the_reference_is_masked_and_its_label_kept(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        # what looks like them and is not: a model, a coupon, an error code, a flight, a count
        "OLED65C1 TV 벽걸이 설치도 되나요?",
        "갤럭시 SM-G998N 수리 접수했어요",
        "모델명 RF85B9121AP 냉장고 문이 안 닫혀요",
        "쿠폰 코드 ARCA2024GIFT 입력이 안돼요",
        "로그인할 때 오류코드 E-2031 이 떠요",
        "KE0123편이 지연됐어요",
        "예약 3일 전까지 취소하면 무료인가요?",
        "영수증 2장 주세요",
        "'사용할 수 없는 닉네임'이라고만 떠요",
        "닉네임 변경 쿨타임이 얼마나 되나요?",
        "The fluid leaked from the washer.",
    ],
)
def test_no_false_reference(text: str) -> None:
    assert mask_pii(text) == text


def test_masking_twice_is_masking_once() -> None:
    text = "3서버 UID 70231984, 닉네임 '초코우유', 영수증 GPA.3301-5527-9036-11842, HT2290871"
    once = mask_pii(text)
    assert mask_pii(once) == once
    assert not any(v in once for v in ("70231984", "초코우유", "GPA.3301", "HT2290871"))

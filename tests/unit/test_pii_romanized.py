"""Korean names in Latin letters (korean.pii.romanized): a travel customer quotes the passport
name, which the Hangul name detectors never see; the held-out travel set (eval/data/gaps_intents_ko
/travel_air.jsonl) had a knowledge-gap draft titled "입력·GIL DONG 안내"."""

from __future__ import annotations

import pytest

from korean.pii import mask_pii

NAME = "[이름]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "영문명 오타 났어요 HONG GIL DONG인데 HONG KIL DONG으로 입력했어요",
            f"영문명 오타 났어요 {NAME}인데 {NAME}으로 입력했어요",
        ),
        (
            "여권 이름이 KIM MIN SU 인데 예약은 KIM MINSU로 되어 있어요",
            f"여권 이름이 {NAME} 인데 예약은 {NAME}으로 되어 있어요",
        ),
        ("LEE JI-EUN 탑승객 좌석 변경", f"{NAME} 탑승객 좌석 변경"),
        ("CHOI HYUNWOO 승객 체크인이 안 돼요", f"{NAME} 승객 체크인이 안 돼요"),
        ("NAMGUNG MINJAE 이름으로 발권했어요", f"{NAME} 이름으로 발권했어요"),
        # mixed case only right after a cue word: "Song", "Park" and "Han" are English words too
        ("영문명 Kim Minsu로 예약했어요", f"영문명 {NAME}으로 예약했어요"),
        ("The name on my passport is Park Seoyeon", f"The name on my passport is {NAME}"),
    ],
)
def test_a_passport_name_is_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "HONG KONG 경유 항공편 수하물 문의",  # one syllable after the surname: a place
        "SONG DO 센트럴파크 근처 매장",
        "JUNG GU 지점 영업시간",
        "PARK HYATT 호텔 예약 취소",  # HYATT is no Korean syllable
        "IN APP 결제 환불",
        "DO NOT DISTURB 설정",
        "Song list가 안 보여요",  # no cue: mixed case stays
        "Park Seoyeon called about her order",
        "KIM 단독 표기",
    ],
)
def test_places_words_and_lone_surnames_stay(text: str) -> None:
    assert mask_pii(text) == text

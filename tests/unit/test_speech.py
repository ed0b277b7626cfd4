from __future__ import annotations

import pytest

from assist.speech import dominant_level, level_of, to_level


@pytest.mark.parametrize(
    ("sentence", "level"),
    [
        ("환불은 3~5영업일 내에 처리됩니다.", "formal"),
        ("확인해 드리겠습니다.", "formal"),
        ("카드사로 문의해 주십시오.", "formal"),
        ("확인해 드릴게요.", "polite"),
        ("주문번호를 알려 주세요.", "polite"),
        ("배송은 2일 걸려요.", "polite"),
        ("- 반품 기한: 수령 후 7일", None),
        ("Refund takes 3 days.", None),
    ],
)
def test_level_of(sentence: str, level: str | None) -> None:
    assert level_of(sentence) == level


@pytest.mark.parametrize(
    ("formal", "polite"),
    [
        ("환불은 3~5영업일 내에 처리됩니다.", "환불은 3~5영업일 내에 처리돼요."),
        ("카드사로 문의해 주십시오.", "카드사로 문의해 주세요."),
        ("이것은 쿠폰입니다.", "이것은 쿠폰이에요."),
        ("배송은 2일 걸립니다.", "배송은 2일 걸려요."),
    ],
)
def test_round_trip_between_levels(formal: str, polite: str) -> None:
    assert to_level(formal, "polite") == polite
    assert to_level(polite, "formal") == formal


def test_to_level_keeps_the_sentence_body_verbatim() -> None:
    out = to_level("주문번호 2026110512345 건은 3~5 영업일 안에 환불돼요.", "formal")
    assert out.startswith("주문번호 2026110512345 건은 3~5 영업일 안에 ")
    assert level_of(out) == "formal"


def test_unknown_endings_are_left_alone() -> None:
    for s in ("반품 기한: 7일", "Hello there.", "환불 가능하신가요?"):
        assert to_level(s, "formal") == s


def test_dominant_level() -> None:
    assert dominant_level(["확인해 드릴게요.", "주문번호를 알려 주세요.", "처리됩니다."]) == "polite"
    assert dominant_level(["처리됩니다.", "확인하겠습니다."]) == "formal"
    assert dominant_level(["Hello."], default="polite") == "polite"

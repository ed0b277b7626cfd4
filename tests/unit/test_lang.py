"""One language rule for every layer (korean.lang)."""

from __future__ import annotations

import pytest

from korean.lang import detect_lang, latin_share


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("환불은 언제 되나요?", "ko"),
        ("Refund when?", "en"),
        ("KakaoPay로 결제했는데 환불은 언제 되나요?", "ko"),
        ("My 주문 has not arrived yet, where is it?", "en"),
        ("https://example.com/very/long/english/path 환불 문의", "ko"),
        ("12345 !!!", "ko"),
        ("", "ko"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_latin_share_leaves_out_urls_and_addresses() -> None:
    assert latin_share("메일 kim@example.com 으로 보냈어요") == 0.0
    assert latin_share("abc 가나") == pytest.approx(0.6)

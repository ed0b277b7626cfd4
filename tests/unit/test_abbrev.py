"""A/S (after-sales service) in Korean text is one word for BM25, whatever its spelling."""

from __future__ import annotations

import pytest

from indexes.lexical import tokenize, tokenize_many
from korean.abbrev import after_service, gloss_after_service


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("청소기 AS 되나요", "청소기 에이에스 되나요"),
        ("제조사 A/S 센터", "제조사 에이에스 센터"),
        ("a/s 기간", "에이에스 기간"),
        ("AS센터 어디", "에이에스센터 어디"),
        ("as 기간 얼마에요", "에이에스 기간 얼마에요"),
        ("ASUS 노트북 AS", "ASUS 노트북 에이에스"),
        # English stays English; AS inside a word is not A/S
        ("as soon as possible", "as soon as possible"),
        ("This is as good as it gets 정말", "This is as good as it gets 정말"),
        ("USA 배송", "USA 배송"),
        ("GAS 요금", "GAS 요금"),
    ],
)
def test_after_service_spellings(text: str, expected: str) -> None:
    assert after_service(text) == expected


def test_every_spelling_is_one_bm25_term() -> None:
    chunk = tokenize_many(["수령 후 14일이 지난 전자제품은 제조사 A/S로 수리를 받으셔야 합니다."])[0]
    assert "에이에스" in chunk
    for query in (
        "청소기 AS 어디서 받아요",
        "a/s 센터 알려주세요",
        "에이에스 맡겼어요",
        "as 기간이 궁금해요",
    ):
        assert "에이에스" in tokenize(query), query
        assert "에이에스" in tokenize(query, typos=True), query
    assert tokenize("as soon as possible") == ["soon", "possibl"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("청소기 AS 되나요", "청소기 에이에스 수리 되나요"),
        ("a/s 기간 끝났어요", "에이에스 수리 기간 끝났어요"),
        ("에이에스 맡겼는데 소식이 없어요", "에이에스 수리 맡겼는데 소식이 없어요"),
        ("A/S 수리 접수", "에이에스 수리 접수"),  # says it already: not twice
        ("as soon as possible", "as soon as possible"),
        ("설치 기사 방문 일정", "설치 기사 방문 일정"),
    ],
)
def test_gloss_after_service_adds_what_it_means(text: str, expected: str) -> None:
    assert gloss_after_service(text) == expected

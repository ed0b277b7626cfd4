"""Amounts in Korean number units and amounts written with digits are one BM25 token."""

from __future__ import annotations

import pytest

from indexes.lexical import tokenize
from korean.amounts import merge_amounts
from korean.latin import Piece


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("교환비 6천원", "6000"),
        ("왕복 6,000원", "6000"),
        ("1만 5천원", "15000"),
        ("15,000원", "15000"),
        ("5만 원 미만", "50000"),
        ("300만원", "3000000"),
        ("1억 2천만원", "120000000"),
        ("3천5백만 원", "35000000"),
        ("1천500원", "1500"),
        ("만원 이상 결제하면", "10000"),
        ("천 원 할인", "1000"),
    ],
)
def test_an_amount_is_one_integer_token(text: str, amount: str) -> None:
    assert amount in tokenize(text)


def test_the_customers_and_the_articles_way_of_writing_meet() -> None:
    assert set(tokenize("교환비 6천원 보내면 되죠?")) & set(tokenize("교환: 왕복 6,000원"))


@pytest.mark.parametrize(
    ("pieces", "out"),
    [
        # a number without a unit keeps its form ("07", "12개월"); decimals and dates pass through
        ([("07", "SN"), ("시", "NNB")], [("07", "SN"), ("시", "NNB")]),
        ([("12", "SN"), ("개월", "NNB")], [("12", "SN"), ("개월", "NNB")]),
        ([("1.5", "SN"), ("%", "SW")], [("1.5", "SN"), ("%", "SW")]),
        # a numeral unit without a number before it is a word of its own, unless won follow
        ([("만", "NR"), ("명", "NNB")], [("만", "NR"), ("명", "NNB")]),
        # two amounts side by side stay two
        (
            [("3", "SN"), ("천", "NR"), ("원", "NNB"), ("5", "SN"), ("천", "NR")],
            [("3000", "SN"), ("원", "NNB"), ("5000", "SN")],
        ),
    ],
)
def test_what_is_left_as_it_is(pieces: list[tuple[str, str]], out: list[tuple[str, str]]) -> None:
    assert [tuple(p) for p in merge_amounts(Piece(f, t) for f, t in pieces)] == out

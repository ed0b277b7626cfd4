"""Amounts written with Korean number units, as one number token: "6천원" and "6,000원" alike.

Customers write "교환비 6천원", "3만 원", "1만 5천원"; articles write "6,000원", "30,000원" or "5만
원 미만" -- and each the other way round too. Kiwi splits "6천" into a number and a numeral unit
(``SN`` 6, ``NR`` 천), so BM25 and the answer's term overlap never met the article's "6,000".
:func:`merge_amounts` turns a number followed by numeral units into one ``SN`` token holding the
integer ("6000", "15000", "120000000") and drops the thousands separators of a written number
("6,000" → "6000"); every other token passes through unchanged.

Units: 십 백 천 multiply the number before them; 만 억 조 close a group of four digits ("1억
2천만" = 100,000,000 + 20,000,000; "3천5백만" = 3,500 × 10,000). A bare number right after a unit
belongs to the amount ("1천500원" = 1,500), and a unit with no number before it counts once
when won follow ("만원 이상" = 10,000).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from korean.latin import Piece

__all__ = ["merge_amounts"]

_SMALL = {"십": 10, "백": 100, "천": 1000}
_BIG = {"만": 10**4, "억": 10**8, "조": 10**12}
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_INTEGER = re.compile(r"^\d+$")


def _unit(form: str) -> tuple[int, int] | None:
    """(small multiplier, big multiplier or 0) of a numeral unit such as 천, 만, 천만; None if the
    form is not made of units only."""
    if not form or any(ch not in _SMALL and ch not in _BIG for ch in form):
        return None
    big = _BIG.get(form[-1], 0)
    small = 1
    for ch in form[:-1] if big else form:
        if ch not in _SMALL:
            return None
        small *= _SMALL[ch]
    return small, big


def _number(form: str) -> int | None:
    plain = form.replace(",", "") if _GROUPED.match(form) else form
    return int(plain) if _INTEGER.match(plain) else None


def _base(tag: str) -> str:
    return tag.split("-", 1)[0]


def merge_amounts(tokens: Iterable[Piece]) -> Iterator[Piece]:
    """``tokens`` (``form``, ``tag`` pairs) with each Korean-unit amount as one ``SN`` integer."""
    toks = list(tokens)
    i = 0
    while i < len(toks):
        first = _number(toks[i].form) if _base(toks[i].tag) == "SN" else None
        if first is None:
            bare = _unit(toks[i].form) if _base(toks[i].tag) == "NR" else None
            won = i + 1 < len(toks) and toks[i + 1].form == "원"
            # "만원 이상", "천 원 할인": a unit with no number before it, of won, is one of it
            yield Piece(str(bare[0] * (bare[1] or 1)), "SN") if bare and won else toks[i]
            i += 1
            continue
        total = section = 0
        j, units = i, False
        while j < len(toks) and _base(toks[j].tag) == "SN" and (num := _number(toks[j].form)) is not None:
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            unit = _unit(nxt.form) if nxt is not None and _base(nxt.tag) == "NR" else None
            if unit is None:
                if units:  # "1천500": a bare number closes the amount
                    section += num
                    j += 1
                break
            small, big = unit
            section += num * small
            if big:
                total, section = total + section * big, 0
            units, j = True, j + 2
        if units:
            yield Piece(str(total + section), "SN")
            i = j
        else:  # a number on its own: only its thousands separators go ("6,000" → "6000", "07" stays)
            yield (
                Piece(toks[i].form.replace(",", ""), toks[i].tag) if _GROUPED.match(toks[i].form) else toks[i]
            )
            i += 1

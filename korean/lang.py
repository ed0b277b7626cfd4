"""Which language a text is written in: Korean unless Latin letters make up most of its letters.

One rule for every layer (ingest's record metadata, ticket chunk labels, answer and draft
language, eval tokenisation): URLs and e-mail addresses are left out, Hangul syllables and jamo
count as Korean letters, ASCII letters as Latin; a text is English when at least 70 % of those
letters are Latin ("Refund when?" → en; "환불 KakaoPay로 되나요?" → ko; no letters → ko).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["LATIN_SHARE", "detect_lang", "latin_share"]

LATIN_SHARE = 0.7
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")


def latin_share(text: str) -> float:
    """Latin letters / (Latin + Hangul letters), URLs and e-mail addresses left out (0 if none)."""
    text = _URL.sub(" ", text)
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    total = latin + hangul
    return latin / total if total else 0.0


def detect_lang(text: str) -> Literal["ko", "en"]:
    """'en' when Latin letters make up at least 70 % of the letters, else 'ko'."""
    return "en" if latin_share(text) >= LATIN_SHARE else "ko"

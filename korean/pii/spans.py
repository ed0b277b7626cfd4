"""What every PII detector shares: kinds and placeholders, the candidate span, the shadow text.

Detectors run on a *shadow* of the text: the same length, with full-width digits, letters and
signs, en/em dashes, minus signs and odd spaces mapped one character to one character onto their
ASCII forms. Offsets found in the shadow are offsets in the original, so ``０１０–１２３４–５６７８``
is found by the same patterns as ``010-1234-5678`` and replaced in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "PII_PLACEHOLDERS",
    "PLACEHOLDER_BY_KIND",
    "Candidate",
    "context_before",
    "digits",
    "final_consonant",
    "shadow",
]

# Kind -> placeholder, in priority order (an earlier kind wins an overlap).
PLACEHOLDER_BY_KIND: dict[str, str] = {
    "email": "[이메일]",
    "rrn": "[주민등록번호]",
    "frn": "[외국인등록번호]",
    "passport": "[여권번호]",
    "license": "[운전면허번호]",
    "card": "[카드번호]",
    "biz": "[사업자등록번호]",
    "phone": "[전화번호]",
    "account": "[계좌번호]",
    "order": "[주문번호]",
    "customer": "[고객번호]",
    "address": "[주소]",
    "plate": "[차량번호]",
    "handle": "[아이디]",
    "name": "[이름]",
}
PII_PLACEHOLDERS: frozenset[str] = frozenset(PLACEHOLDER_BY_KIND.values())
PLACEHOLDER_PATTERN: re.Pattern[str] = re.compile("|".join(re.escape(p) for p in sorted(PII_PLACEHOLDERS)))
PRIORITY: dict[str, int] = {"keep": -1} | {kind: i for i, kind in enumerate(PLACEHOLDER_BY_KIND)}


@dataclass(frozen=True)
class Candidate:
    """A span a detector proposes. ``company`` marks what an article may keep (a landline, a
    business or account number, a role e-mail, a handle); kind ``keep`` is a span to leave alone
    (a representative number, an allow-listed value) that still blocks overlapping candidates."""

    kind: str
    start: int
    end: int
    company: bool = False


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # ！..～ -> !..~
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣"), ord("-"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\u3000"), ord(" "))
_SHADOW = _FULL_WIDTH | _DASHES | _SPACES


def shadow(text: str) -> str:
    """``text`` with width and dash variants mapped to ASCII, one character for one."""
    return text.translate(_SHADOW)


def final_consonant(word: str) -> int:
    """Final consonant index of the word's last syllable (0 = vowel-final or not Hangul, 8 = ㄹ)."""
    ch = word[-1]
    return (ord(ch) - 0xAC00) % 28 if "가" <= ch <= "힣" else 0


def digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


_CONTEXT_CHARS = 12
_LONGEST_PLACEHOLDER = max(map(len, PII_PLACEHOLDERS))
_CONTEXT_STOP = re.compile(r"\d|" + "|".join(re.escape(p) for p in sorted(PII_PLACEHOLDERS)))


def context_before(text: str, start: int) -> str:
    """The words right before ``start``: up to 12 characters, cut after any digit or placeholder,
    so a bank or order word only applies to the number that follows it directly."""
    window = text[max(0, start - _CONTEXT_CHARS - _LONGEST_PLACEHOLDER) : start]
    last = 0
    for m in _CONTEXT_STOP.finditer(window):
        last = m.end()
    return window[last:][-_CONTEXT_CHARS:]

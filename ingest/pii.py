"""PII masking for Korean support text: find personal data, replace it with typed placeholders.

How it works: every detector proposes candidate spans; candidates are then chosen once, by
priority (lower first), longer span first, then leftmost, skipping any that overlap a chosen one;
finally the chosen spans are replaced right to left, and ``mask_pii`` repeats that until nothing
is found. Placeholders hold no digits and no ``@``, so masking twice gives the same text as once.

Rules (priority order):

0. 이메일 ``[이메일]``: ``local@domain.tld`` (ASCII; TLD letters only, so a particle after it stays).
1. 주민/외국인등록번호 ``[주민등록번호]``: ``YYMMDD-GXXXXXX`` with G in 1-8, with or without the
   hyphen, month/day must be a real date (Feb 29 allowed); ``YYMMDD-G******`` too. The hyphen-less
   13-digit form is skipped after an order word (see 5).
2. 카드번호 ``[카드번호]``: 4-4-4-4 (16 digits) or 4-6-5 (15, Amex layout), separated by one
   consistent ``-`` or space or written contiguously; the first digit must be 3, 4, 5, 6 or 9 and
   the Luhn check must pass. Contiguous runs after an order word are skipped.
3. 사업자등록번호 ``[사업자등록번호]``: ``XXX-XX-XXXXX``, unless a bank word (not 사업자) precedes it,
   then it is an account. No checksum: the format is distinctive and a failed checksum would only
   move the number to the account rule.
4. 전화번호 ``[전화번호]``: mobile 010/011/016-019 and 070/050X with ``-``, ``.``, space or no
   separator; +82 forms (``+82 10-...``, ``+82-10-...``, ``+821012345678``, ``+82 (0)2-...``);
   landlines 02 / 0[3-6][1-5] only with separators (``02-123-4567``, ``(031) 123-4567``).
   Representative numbers (1588-XXXX, 1577, 1644, ... ) match no rule and stay.
5. 계좌번호 ``[계좌번호]``:
   a. after a bank word (국민, 신한, 우리, 하나, 농협, 기업, 카카오뱅크, 토스뱅크, 케이뱅크, SC제일,
      씨티, 우체국, 새마을, 신협, 수협, 은행, 계좌, bank, account) within 12 characters: digit
      groups joined by ``-`` (2-5 groups, 10-16 digits) or 10-14 contiguous digits;
   b. without a bank word: ``-``-joined groups, 3-5 groups, 10-14 digits, not a date
      (first three groups a valid Y-M-D).
   Either way a number after an order/tracking word (주문, 송장, 택배, 배송, 접수번호, order,
   tracking, ...) is skipped, unless 계좌/입금/account is also there.

"Context" (the bank/order/사업자 word) is looked for in the 12 characters before a number, cut
after the last digit or placeholder in them, so a word only applies to the number that follows
it directly (this also keeps masking idempotent). Numbers glued to Latin letters or ``-``
(``KB-003``, ``T-10001``, ``ORD-...``) are ids, not PII.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from indexes.records import ArticleRecord, TicketRecord

__all__ = [
    "PII_PLACEHOLDERS",
    "PLACEHOLDER_BY_KIND",
    "PiiMatch",
    "find_pii",
    "luhn_ok",
    "mask_pii",
    "mask_record_article",
    "mask_record_ticket",
]

PLACEHOLDER_BY_KIND: dict[str, str] = {
    "email": "[이메일]",
    "rrn": "[주민등록번호]",
    "card": "[카드번호]",
    "biz": "[사업자등록번호]",
    "phone": "[전화번호]",
    "account": "[계좌번호]",
}
PII_PLACEHOLDERS: frozenset[str] = frozenset(PLACEHOLDER_BY_KIND.values())
_PRIORITY = {kind: i for i, kind in enumerate(PLACEHOLDER_BY_KIND)}


@dataclass(frozen=True)
class PiiMatch:
    """One piece of PII found in a text: ``text[start:end] == value``."""

    kind: str  # a key of PLACEHOLDER_BY_KIND
    start: int
    end: int
    value: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER_BY_KIND[self.kind]


# Boundaries: not inside a longer number or an id like "KB-003" / "ORD-12"; a "." is fine unless
# it follows a digit ("T.010-..." is a phone, "3.010" is not).
_B = r"(?<![0-9A-Za-z_\-+])(?<!\d\.)"
_E = r"(?![0-9A-Za-z_])(?![-.]\d)"
_CONTEXT_CHARS = 12

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_RRN = re.compile(_B + r"(\d{2})(\d{2})(\d{2})(-?)[1-8](?:\d{6}|(?<=-\d)[*xX]{6})" + _E)
_CARD16 = re.compile(_B + r"\d{4}([- ]?)\d{4}\1\d{4}\1\d{4}" + _E)
_CARD15 = re.compile(_B + r"\d{4}([- ]?)\d{6}\1\d{5}" + _E)
_BIZ = re.compile(_B + r"\d{3}-\d{2}-\d{5}" + _E)
_SEP = r"[-. ]"
_PHONES = [
    re.compile(_B + r"0(?:1[016789]|70|50[2-8])" + _SEP + r"?\d{3,4}" + _SEP + r"?\d{4}" + _E),
    re.compile(_B + r"(?:\(0(?:2|[3-6][1-5])\)\s?|0(?:2|[3-6][1-5])" + _SEP + r")\d{3,4}" + _SEP
               + r"\d{4}" + _E),
    re.compile(r"(?<![\w+])\+82" + _SEP + r"?(?:\(0\)" + _SEP + r"?|0)?(?:1[016789]|2|[3-6][1-5]|70)"
               + _SEP + r"?\d{3,4}" + _SEP + r"?\d{4}" + _E),
]
_ACCOUNT_BANK = re.compile(_B + r"(?:\d{2,7}(?:-\d{1,7}){1,4}|\d{10,14})" + _E)
_ACCOUNT_PLAIN = re.compile(_B + r"\d{2,7}(?:-\d{1,7}){2,4}" + _E)

_BANK_WORDS = re.compile(
    r"국민|신한|우리|하나|농협|기업|카카오뱅크|토스뱅크|케이뱅크|SC제일|씨티|우체국|새마을|신협|수협|은행|계좌"
    r"|\bbank|\baccount|\bacct",
    re.IGNORECASE,
)
_BIZ_WORDS = re.compile(r"사업자|business|\bBRN\b", re.IGNORECASE)
_ORDER_WORDS = re.compile(
    r"주문|송장|택배|통운|배송|접수번호|예약번호|결제번호|거래번호|승인번호|반품번호"
    r"|\border|\binvoice|\btracking",
    re.IGNORECASE,
)
_ACCOUNT_WORDS = re.compile(r"계좌|입금|\baccount|\bacct", re.IGNORECASE)
_LONGEST_PLACEHOLDER = max(map(len, PII_PLACEHOLDERS))
_CONTEXT_STOP = re.compile(r"\d|" + "|".join(re.escape(p) for p in sorted(PII_PLACEHOLDERS)))


def _context(text: str, start: int) -> str:
    """The words right before ``start``: up to 12 characters, cut after any digit or placeholder."""
    # Look a little further back so a placeholder cut in half by the window is still recognised.
    window = text[max(0, start - _CONTEXT_CHARS - _LONGEST_PLACEHOLDER) : start]
    last = 0
    for m in _CONTEXT_STOP.finditer(window):
        last = m.end()
    return window[last:][-_CONTEXT_CHARS:]


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def luhn_ok(number: str) -> bool:
    """Luhn checksum of a digit string (card numbers)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _valid_mmdd(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]


def _is_date(groups: list[str]) -> bool:
    if len(groups) < 3 or len(groups[0]) not in (2, 4) or len(groups[1]) > 2 or len(groups[2]) > 2:
        return False
    return _valid_mmdd(int(groups[1]), int(groups[2]))


def _find_email(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for m in _EMAIL.finditer(text):
        yield "email", m


def _find_rrn(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for m in _RRN.finditer(text):
        if not _valid_mmdd(int(m.group(2)), int(m.group(3))):
            continue
        if not m.group(4) and _ORDER_WORDS.search(_context(text, m.start())):
            continue
        yield "rrn", m


def _find_card(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for pattern in (_CARD16, _CARD15):
        for m in pattern.finditer(text):
            digits = _digits(m.group(0))
            if digits[0] not in "34569" or not luhn_ok(digits):
                continue
            if not m.group(1) and _ORDER_WORDS.search(_context(text, m.start())):
                continue
            yield "card", m


def _find_biz(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for m in _BIZ.finditer(text):
        ctx = _context(text, m.start())
        if _BIZ_WORDS.search(ctx) or not _BANK_WORDS.search(ctx):
            yield "biz", m


def _find_phone(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for pattern in _PHONES:
        for m in pattern.finditer(text):
            yield "phone", m


def _order_number(ctx: str) -> bool:
    """An order/tracking word before the number, and no explicit 계좌/account word."""
    return bool(_ORDER_WORDS.search(ctx)) and not _ACCOUNT_WORDS.search(ctx)


def _find_account(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for m in _ACCOUNT_BANK.finditer(text):
        ctx = _context(text, m.start())
        contiguous = m.group(0).isdigit()
        if not _BANK_WORDS.search(ctx) or _order_number(ctx):
            continue
        if 10 <= len(_digits(m.group(0))) <= (14 if contiguous else 16):
            yield "account", m
    for m in _ACCOUNT_PLAIN.finditer(text):
        groups = m.group(0).split("-")
        if not 10 <= len(_digits(m.group(0))) <= 14 or _is_date(groups):
            continue
        if not _order_number(_context(text, m.start())):
            yield "account", m


_DETECTORS: tuple[Callable[[str], Iterator[tuple[str, re.Match[str]]]], ...] = (
    _find_email, _find_rrn, _find_card, _find_biz, _find_phone, _find_account,
)


def find_pii(text: str) -> list[PiiMatch]:
    """All PII in ``text``, non-overlapping, in text order (see the module docstring for rules)."""
    candidates = [
        PiiMatch(kind, m.start(), m.end(), m.group(0))
        for detect in _DETECTORS
        for kind, m in detect(text)
    ]
    candidates.sort(key=lambda c: (_PRIORITY[c.kind], c.start - c.end, c.start))
    starts: list[int] = []  # chosen spans, kept sorted by start (they never overlap)
    chosen: list[PiiMatch] = []
    for cand in candidates:
        i = bisect.bisect_left(starts, cand.start)
        if (i > 0 and chosen[i - 1].end > cand.start) or (i < len(chosen) and chosen[i].start < cand.end):
            continue
        starts.insert(i, cand.start)
        chosen.insert(i, cand)
    return chosen


def mask_pii(text: str) -> str:
    """``text`` with each PII match replaced by its placeholder, e.g. ``[전화번호]``.

    Repeats until nothing is found: a placeholder can expose a number that was glued to the
    replaced one (``a@x.com01012345678``). Every pass removes digits or ``@``, so it ends, and
    the result is a fixed point: ``mask_pii(mask_pii(t)) == mask_pii(t)``.
    """
    out = text
    while matches := find_pii(out):
        for match in reversed(matches):
            out = out[: match.start] + match.placeholder + out[match.end :]
    return out


def mask_record_article(rec: ArticleRecord) -> ArticleRecord:
    """A copy of ``rec`` with title and every section body masked (ids, dates, tag, owner kept)."""
    return replace(
        rec,
        title=mask_pii(rec.title),
        sections={key: mask_pii(body) for key, body in rec.sections.items()},
        missing=list(rec.missing),
    )


def mask_record_ticket(rec: TicketRecord) -> TicketRecord:
    """A copy of ``rec`` with subject, inquiry, resolution and customer_ref masked."""
    return replace(
        rec,
        subject=mask_pii(rec.subject),
        inquiry=mask_pii(rec.inquiry),
        resolution=mask_pii(rec.resolution),
        customer_ref=mask_pii(rec.customer_ref) if rec.customer_ref else rec.customer_ref,
        tags=list(rec.tags),
    )

"""Detectors of PII written as numbers: e-mail, 주민/외국인등록번호, 여권, 운전면허, card, 사업자,
phone and account numbers, plus the company numbers that are never personal.

Separators: a number's groups may be joined by ``-``, ``.`` or a space, with spaces around a dash
(``010 - 1234 - 5678``); dashes and digits may be full-width or en-dashes (see ``spans.shadow``).
Numbers glued to Latin letters or ``-`` (``KB-003``, ``T-10001``, ``ORD-...``) are ids, not PII.

Rules (an earlier kind wins an overlap, see ``spans.PLACEHOLDER_BY_KIND``):

- e-mail ``local@domain.tld``; in articles a role address (cs@, help@, support@ ...) is company.
- 주민등록번호 ``YYMMDD-GXXXXXX`` (G 1-4) and 외국인등록번호 (G 5-8): dash, space, spaced dash or
  none; a real month/day; ``YYMMDD-G******`` too. Without a separator it is skipped after an order
  word (the order rule takes it).
- 여권번호 ``M12345678`` / ``M123A4567`` (first letter M, S, R, O, D or G).
- 운전면허번호 ``11-12-345678-90`` (region 11-28; dashes or spaces) or ``서울 12-345678-90``;
  12 digits in a row only after a 면허/license word.
- card 16 digits 4-4-4-4 or 15 digits 4-6-5 (Amex), one consistent separator (``-``, space, ``.``)
  or none; first digit 3/4/5/6/9, Luhn must pass.
- 사업자등록번호 ``XXX-XX-XXXXX`` (unless a bank word precedes it: an account); with spaces or
  no separator only after a 사업자/business word.
- phone: mobile 010/011/016-019, 070, 050X (``(010) ...`` too); landlines 02/0[3-6][1-5] with
  separators; ``+82`` forms; North American ``(415) 555-0132`` and ``+1 …`` (personal). Mobiles
  are personal; landlines, 070 and ``+82-2-...`` are what an article may keep.
- account: after a bank word, digit groups joined by ``-`` or spaces (10-16 digits) or 10-14
  digits in a row; without one, 3-5 ``-`` groups of 10-14 digits that are not a date.
- kept everywhere: 대표번호 15XX/16XX/18XX-XXXX and 080 numbers (company lines, never personal).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator

from korean.pii.spans import Candidate, context_before, digits

__all__ = ["find_numbers", "luhn_ok"]

_B = r"(?<![0-9A-Za-z_\-+])(?<!\d\.)"
_E = r"(?![0-9A-Za-z_])(?![-.]\d)"
_SEP = r"(?:[ \t]?[-.][ \t]?|[ \t])"  # one separator between digit groups
_DASH = r"(?:[ \t]?-[ \t]?)"

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ROLE_MAIL = re.compile(
    r"(?:cs|help|helpdesk|support|info|contact|service|admin|noreply|no-reply|privacy|webmaster|sales"
    r"|customer|care|hello|biz|partner|press|pr|recruit|ir|tax|billing|order|orders|shop|team|master"
    # mailboxes of a function ("Invoice emails are sent from invoices@ledgerly-mail.com")
    r"|invoices?|receipts?|payments?|accounts?|refunds?|returns?|security|legal|dpo|feedback|notifications?"
    r"|alerts?|donotreply|do-not-reply|reply|jobs|careers|marketing|media|events|abuse|postmaster|office"
    r"|cx|qna|ask|reservations?|bookings?|store|compliance|finance|accounting|mail|news|newsletter)"
    r"(?:[._-][a-z0-9]+)?@",
    re.IGNORECASE,
)
_RRN = re.compile(
    _B + r"(\d{2})(\d{2})(\d{2})(" + _DASH + r"|[ \t]|)([1-8])(?:\d{6}|(?<=[-\s]\d)[*xX]{6})" + _E
)
_PASSPORT = re.compile(r"(?<![0-9A-Za-z_\-])[MSRODG](?:\d{8}|\d{3}[A-Z]\d{4})(?![0-9A-Za-z_])")
_REGIONS = "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산"
_LICENSE = re.compile(_B + r"(?:1[1-9]|2[0-8])(" + _DASH + r"|[ \t])\d{2}\1\d{6}\1\d{2}" + _E)
_LICENSE_REGION = re.compile(r"(?:" + _REGIONS + r")[ \t]?\d{2}" + _DASH + r"\d{6}" + _DASH + r"\d{2}" + _E)
_LICENSE_PLAIN = re.compile(_B + r"(?:1[1-9]|2[0-8])\d{10}" + _E)
_CARD_SEP = r"(" + _DASH + r"|[ \t]|\.|)"
_CARD16 = re.compile(_B + r"\d{4}" + _CARD_SEP + r"\d{4}\1\d{4}\1\d{4}" + _E)
_CARD15 = re.compile(_B + r"\d{4}" + _CARD_SEP + r"\d{6}\1\d{5}" + _E)
_BIZ = re.compile(_B + r"\d{3}(" + _DASH + r"|[ \t]|)\d{2}\1\d{5}" + _E)
_MOBILE = r"0(?:1[016789]|70|50[2-8])"
_AREA = r"0(?:2|[3-6][1-5])"
# fmt: off
_PHONES = [
    (re.compile(_B + r"(" + _MOBILE + r")" + _SEP + r"?\d{3,4}" + _SEP + r"?\d{4}" + _E), 1),
    (re.compile(r"(?<![\w+])\((" + _MOBILE + r")\)[ \t]?\d{3,4}" + _SEP + r"?\d{4}" + _E), 1),
    (re.compile(r"(?:(?<![\w+])\((" + _AREA + r")\)[ \t]?|" + _B + r"(" + _AREA + r")" + _SEP + r")\d{3,4}"
                + _SEP + r"\d{4}" + _E), 0),
    (re.compile(r"(?<![\w+])\+[ \t]?82" + _SEP + r"?(?:\(0\)" + _SEP + r"?|0)?(1[016789]|2|[3-6][1-5]|70)"
                + _SEP + r"?\d{3,4}" + _SEP + r"?\d{4}" + _E), 2),
    # North American: "(415) 555-0132", "+1 415 555 0132"
    (re.compile(r"(?:(?<![\w+])\+?1[ \t.-]?)?(?<![\w])\((\d{3})\)[ \t]?\d{3}[ \t.-]\d{4}" + _E), 1),
    (re.compile(r"(?<![\w+])\+1[ \t.-]?(\d{3})[ \t.-]\d{3}[ \t.-]\d{4}" + _E), 1),
]  # (pattern, how to tell a mobile: 1 = always, 0 = never, 2 = group 1 starts with "1")
_COMPANY = [
    re.compile(_B + r"1(?:5[0-9]{2}|6[0-9]{2}|8[0-9]{2})" + _SEP + r"?\d{4}" + _E),
    re.compile(_B + r"080" + _SEP + r"?\d{3,4}" + _SEP + r"?\d{4}" + _E),
    re.compile(r"(?<![\w+])\+[ \t]?82" + _SEP + r"?(?:\(0\)" + _SEP + r"?|0)?80" + _SEP + r"?\d{3,4}"
               + _SEP + r"?\d{4}" + _E),
]
# fmt: on
_ACCOUNT_BANK = re.compile(_B + r"(?:\d{2,7}(?:(?:" + _DASH + r"|[ \t])\d{1,7}){1,4}|\d{10,14})" + _E)
_ACCOUNT_PLAIN = re.compile(_B + r"\d{2,7}(?:-\d{1,7}){2,4}" + _E)

_BANK_WORDS = re.compile(
    r"국민|신한|우리|하나|농협|기업|카카오뱅크|토스뱅크|케이뱅크|SC제일|씨티|우체국|새마을|신협|수협|은행|계좌"
    r"|\bbank|\baccount|\bacct",
    re.IGNORECASE,
)
_BIZ_WORDS = re.compile(r"사업자|business|\bBRN\b", re.IGNORECASE)
_LICENSE_WORDS = re.compile(r"면허|license|licence", re.IGNORECASE)
_ORDER_WORDS = re.compile(
    r"주문|송장|택배|통운|배송|접수번호|예약번호|결제번호|거래번호|승인번호|반품번호|고객번호|회원번호"
    r"|\border|\binvoice|\btracking",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d{4}")
_ACCOUNT_WORDS = re.compile(r"계좌|입금|\baccount|\bacct", re.IGNORECASE)


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


def _order_number(ctx: str) -> bool:
    """An order/tracking word before the number, and no explicit 계좌/account word."""
    return bool(_ORDER_WORDS.search(ctx)) and not _ACCOUNT_WORDS.search(ctx)


def _email(text: str) -> Iterator[Candidate]:
    for m in _EMAIL.finditer(text):
        yield Candidate("email", m.start(), m.end(), company=bool(_ROLE_MAIL.match(m.group(0))))


def _rrn(text: str) -> Iterator[Candidate]:
    for m in _RRN.finditer(text):
        if not _valid_mmdd(int(m.group(2)), int(m.group(3))):
            continue
        if not m.group(4) and _ORDER_WORDS.search(context_before(text, m.start())):
            continue
        yield Candidate("rrn" if m.group(5) in "1234" else "frn", m.start(), m.end())


def _ids(text: str) -> Iterator[Candidate]:
    for m in _PASSPORT.finditer(text):
        yield Candidate("passport", m.start(), m.end())
    for pattern in (_LICENSE, _LICENSE_REGION):
        for m in pattern.finditer(text):
            yield Candidate("license", m.start(), m.end())
    for m in _LICENSE_PLAIN.finditer(text):
        if _LICENSE_WORDS.search(context_before(text, m.start())):
            yield Candidate("license", m.start(), m.end())


def _card(text: str) -> Iterator[Candidate]:
    for pattern in (_CARD16, _CARD15):
        for m in pattern.finditer(text):
            number = digits(m.group(0))
            if number[0] not in "34569" or not luhn_ok(number):
                continue
            if not m.group(1) and _ORDER_WORDS.search(context_before(text, m.start())):
                continue
            yield Candidate("card", m.start(), m.end())


def _biz(text: str) -> Iterator[Candidate]:
    for m in _BIZ.finditer(text):
        ctx = context_before(text, m.start())
        if _BIZ_WORDS.search(ctx) or ("-" in m.group(1) and not _BANK_WORDS.search(ctx)):
            yield Candidate("biz", m.start(), m.end(), company=True)


def _phone(text: str) -> Iterator[Candidate]:
    for pattern, mobile in _PHONES:
        for m in pattern.finditer(text):
            personal = mobile == 1 or (mobile == 2 and m.group(1).startswith("1"))
            if mobile == 1 and m.group(1) == "070":
                personal = False  # internet phones: companies use them as much as people
            yield Candidate("phone", m.start(), m.end(), company=not personal)


def _company_lines(text: str) -> Iterator[Candidate]:
    for pattern in _COMPANY:
        for m in pattern.finditer(text):
            yield Candidate("keep", m.start(), m.end())


def _account(text: str) -> Iterator[Candidate]:
    for m in _ACCOUNT_BANK.finditer(text):
        ctx = context_before(text, m.start())
        contiguous = m.group(0).isdigit()
        if not _BANK_WORDS.search(ctx) or _order_number(ctx):
            continue
        if 10 <= len(digits(m.group(0))) <= (14 if contiguous else 16):
            yield Candidate("account", m.start(), m.end(), company=True)
    for m in _ACCOUNT_PLAIN.finditer(text):
        groups = m.group(0).split("-")
        if not 10 <= len(digits(m.group(0))) <= 14 or _is_date(groups):
            continue
        if not _order_number(context_before(text, m.start())):
            yield Candidate("account", m.start(), m.end(), company=True)


def find_numbers(text: str) -> Iterator[Candidate]:
    """Every number-shaped candidate in ``text`` (a shadow text, see ``spans.shadow``)."""
    if "@" in text:
        yield from _email(text)
    if _DIGITS.search(text):
        for detect in (_rrn, _ids, _card, _biz, _phone, _company_lines, _account):
            yield from detect(text)

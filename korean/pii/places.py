"""Detectors of where a customer lives and what they drive, and of the identities they give in
their own words: street addresses, car plates, self-introductions, account holders, login ids.

- address: a road-name or lot-number address after its district ("서울시 강남구 테헤란로 123, 45층
  4501호", "경기도 성남시 분당구 판교역로 235", "마포구 서교동 123-45"), and an apartment's
  building and unit ("102동 1503호"). An article may keep one (the company's own office).
- plate: a Korean car plate ("12가 3456", "123나4567"), not a count or an amount ("30일 1000원").
- name given by the customer themselves ("제 이름은 박지영이고", "저 최수진인데요", "My name is John
  Smith") or as an account's holder after its number ("110-123-456789 신한은행 김철수", once the
  number is masked).
- login id after its label ("회원 ID kimminsu88", "아이디는 baro_lee"), with a digit, ``_`` or ``.``
  (so "ID card" stays); any id or nickname in quotes after its label ("닉네임 '달빛기사'", "캐릭터명
  \"흑염룡\"", "nickname 'DarkKnight'"): a game's players name each other by it.

Found in 25 unseen customer lines written for the check (tests/unit/test_pii_places.py): nine
leaked before (names, addresses, a plate, an id, an English order reference and a US phone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from korean.pii.identity import COMPOUND_SURNAMES, SURNAMES
from korean.pii.spans import Candidate, final_consonant

__all__ = ["find_places"]

_DISTRICT = r"[가-힣]{1,6}(?:시|군|구)"
_ADDRESS = re.compile(
    r"(?:[가-힣]{2,7}(?:특별시|광역시|특별자치시|특별자치도|도)[ \t]+)?"
    rf"(?:{_DISTRICT}[ \t]+){{1,2}}"
    # (a count after a particle is no house number: "요구 사항으로 3일", "지시로 2건")
    r"(?:[가-힣0-9]{1,12}(?:로|길)[ \t]?\d{1,4}(?:-\d{1,4})?(?:번길[ \t]?\d{1,4})?"
    r"(?![0-9])(?![ \t]?(?:일|원|개|시간|시|분|명|건|회|%|년|월|주|배|살|세|kg|km|GB|MB))"
    r"|[가-힣0-9]{1,8}(?:동|읍|면|리|가)[ \t]?\d{1,4}(?:-\d{1,4})?(?:번지)?)"
    r"(?:[ \t]?,?[ \t]?(?:[가-힣A-Za-z]{1,12}[ \t])?\d{1,4}동)?"
    r"(?:[ \t]?,?[ \t]?\d{1,3}층)?(?:[ \t]?\d{1,5}호)?"
    r"(?![0-9])"
)
# a lot-number address without its district: "문정동 88-12", "역삼동 123-45번지"
_LOT = re.compile(r"(?<![가-힣])[가-힣]{2,6}동[ \t]\d{1,4}-\d{1,4}(?:번지)?(?![0-9-])")
# the birth-date half of a 주민등록번호 given on its own: "주민번호 앞자리 950312"
_RRN_FRONT = re.compile(
    r"(?:주민(?:등록)?번호|생년월일)[ \t]*(?:앞[ \t]?(?:자리|6자리|번호))?[ \t]*(?:는|은)?[ \t]*[:：]?[ \t]*"
    r"(\d{6})(?![0-9])"
)
_UNIT = re.compile(r"(?<![0-9])\d{1,4}동[ \t]?\d{1,5}호(?![0-9])")
_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호"
_PLATE = re.compile(
    rf"(?<![0-9가-힣])\d{{2,3}}[ \t]?[{_PLATE_LETTERS}][ \t]?\d{{4}}(?![0-9])"
    r"(?![ \t]?(?:원|개|명|건|회|일|년|분|초|시간|km|대|장|권|점))"
)
_NAME = rf"(?:(?:{COMPOUND_SURNAMES})[가-힣]{{1,2}}|[{SURNAMES}][가-힣]{{2}})"
# a name the customer gives, glued to the copula: "박지영이고", "최수진인데요", "김민수입니다"
_SELF = re.compile(
    rf"(?:(?:제[ \t]?)?(?:이름은|이름이|성함은)|저는|전|저)[ \t]+({_NAME})"
    r"(?=(?:이고|이구요|이에요|예요|입니다|인데요|인데|이라고|라고|이며|이요)(?:[^가-힣]|$))"
)
# a name said on its own after the name was asked or mentioned: "동생 이름으로 주문했어요 윤서아요",
# "받는 분 성함이요? 김민준이요"
_NAMED = re.compile(
    r"(?:이름|성함|명의|주문자|수령인|받는[ \t]?(?:분|사람)|예금주|입금자)[^\n]{0,40}?(?:[ \t.,!?~]|^)"
    rf"(?!성함|이름|명의)({_NAME})(?=(이요|요|이에요|예요|입니다|이고|인데요|이구요)(?:[^가-힣]|$))"
)
# after the account number (masked first: masking repeats until nothing is found), optionally its bank
_HOLDER = re.compile(
    rf"\[계좌번호\][ \t]*(?:[가-힣]{{1,6}}(?:은행|뱅크)|농협|신협|수협|우체국)?[ \t]*"
    rf"\(?({_NAME})\)?(?![가-힣])"
)
_MY_NAME = re.compile(
    r"\b(?:[Mm]y name is ([A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)"
    r"|(?:I'm|I am|[Tt]his is) ([A-Z][a-z]+[ \t][A-Z][a-z]+)"
    r"|(?:[Aa]ccount holder|[Cc]ardholder|[Ff]ull name|[Rr]ecipient|[Nn]ame)[ \t]*:[ \t]*"
    r"([A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?))\b"
)
# a street address in English: "1600 Amphitheatre Parkway", "221 Baker St."
_STREET = re.compile(
    r"\b\d{1,6}[ \t](?:[A-Z][a-z]+[ \t]){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|"
    r"Court|Ct|Way|Parkway|Pkwy|Place|Pl|Terrace|Highway|Hwy)\b\.?"
)
_LOGIN = re.compile(
    r"(?:아이디|닉네임|닉|(?<![A-Za-z])(?:ID|Id|id)|username|user name|login|nickname)"
    r"[ \t]*(?:는|은|가)?[ \t]*"
    r"[:：]?[ \t]*([A-Za-z가-힣][A-Za-z가-힣0-9_.]{2,29})(?![A-Za-z0-9_.@])"
)
_QUOTED_LOGIN = re.compile(
    r"(?:아이디|닉네임|닉|캐릭터[ \t]?(?:이름|명)|캐릭명|(?<![A-Za-z])(?:ID|Id|id)"
    r"|username|user name|nickname)"
    r"[ \t]*(?:는|은|이|가)?[ \t]*[:：]?[ \t]*(['\"‘“「『])([^'\"‘’“”「」『』\n]{1,30})(['\"’”」』])"
)
# never a name: words that a self-introduction or an account line may have where a name would be
_NOT_NAMES = frozenset(
    "정회원 신입생 신규가입 이용자 가입자 예금주 본인인 대학생 직장인 외국인 개인사업".split()
)
_CUES = re.compile(
    r"[시군구]\s|동[ \t]?\d|주민|생년|\d[ \t]?[가-힣][ \t]?\d|저|이름|성함|명의|주문자|수령인|받는|"
    r"예금주|입금자|\[계좌번호\]|\d{8}|name|ID|id|"
    r"아이디|닉|캐릭|login|I'm|I am|"
    r"[Tt]his is|holder|[Rr]ecipient|\d [A-Z]"
)


def _said_as_noun(text: str, start: int, end: int) -> bool:
    """Kiwi reads ``text[start:end]`` as nouns only (윤서아/NNP, 김민/NNP 준/NNG), not as a verb
    with its ending ("진행돼요", "안내해요", "고쳐줘요" before 요 look like names to the regex)."""
    from korean.kiwi import KIWI_LOCK, kiwi

    with KIWI_LOCK:
        tokens = kiwi().tokenize(text)
    inside = [t for t in tokens if start <= t.start < end]
    return bool(inside) and all(t.tag.startswith("NN") for t in inside)


def _takes(name: str, ending: str) -> bool:
    """The name takes this ending: 요/예요 after a vowel (not 이: "정말이요" is a word and the copula),
    이요/이에요 after a consonant, the rest after either."""
    if ending in ("요", "예요"):
        return not final_consonant(name) and name[-1] != "이"
    if ending in ("이요", "이에요"):
        return bool(final_consonant(name))
    return True


def _names(text: str) -> Iterator[Candidate]:
    for pattern in (_SELF, _HOLDER, _NAMED):
        for m in pattern.finditer(text):
            name = m.group(1)
            # "… [계좌번호] 여기로 넣어주세요": a word with a particle, not a holder
            particle = pattern is _HOLDER and name.endswith(tuple("로에를을도만와과"))
            copula = pattern is _NAMED and not (
                _takes(name, m.group(2)) and _said_as_noun(text, m.start(1), m.end(1))
            )
            if (
                name not in _NOT_NAMES
                and not name.endswith(("님", "씨", "분"))
                and not particle
                and not copula
            ):
                yield Candidate("name", m.start(1), m.end(1))
    for m in _MY_NAME.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g))
        if m.group(group).split()[0] not in ("Sorry", "Not", "Just", "Still", "Also", "The", "Your"):
            yield Candidate("name", m.start(group), m.end(group))


def find_places(text: str) -> Iterator[Candidate]:
    """Addresses, plates, self-given names, account holders and login ids in ``text`` (a shadow
    text, see ``spans.shadow``)."""
    if not _CUES.search(text):
        return
    for m in _ADDRESS.finditer(text):
        yield Candidate("address", m.start(), m.end(), company=True)
    for m in _STREET.finditer(text):
        yield Candidate("address", m.start(), m.end(), company=True)
    for m in _UNIT.finditer(text):
        yield Candidate("address", m.start(), m.end(), company=True)
    for m in _LOT.finditer(text):
        yield Candidate("address", m.start(), m.end(), company=True)
    for m in _RRN_FRONT.finditer(text):
        yield Candidate("rrn", m.start(1), m.end(1))
    for m in _PLATE.finditer(text):
        yield Candidate("plate", m.start(), m.end())
    yield from _names(text)
    for m in _LOGIN.finditer(text):
        login = m.group(1)
        if any(c.isdigit() or c in "_." for c in login):
            yield Candidate("handle", m.start(1), m.end(1))
    for m in _QUOTED_LOGIN.finditer(text):
        yield Candidate("handle", m.start(2), m.end(2))

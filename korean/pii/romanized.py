"""Korean names written in Latin letters, as on a passport or a ticket: ``HONG GIL DONG``,
``KIM MINSU``, ``LEE JI-EUN``; and, after a cue word (영문명, 영문 이름, 여권, passport),
``Hong Gildong``.

A travel customer quotes the name on the passport ("영문명 오타 났어요 HONG GIL DONG인데 HONG KIL
DONG으로 입력했어요"): the Hangul name detectors never see it, and a held-out travel set's draft
was titled "입력·GIL DONG 안내". A name here is a common surname's romanisation followed by a
given name of exactly two romanised syllables, one word or two (``MINSU``, ``MIN SU``,
``MIN-SU``). Upper case is how passports and tickets write it; mixed case counts only right after
a cue, because "Song", "Park" and "Han" are English words too. Two syllables keep place names
out (``HONG KONG``, ``SONG DO``, ``JUNG GU`` have one), and every syllable must be one Korean
romanisation can write (``PARK HYATT`` is no name: ``HYATT`` is not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from korean.pii.spans import Candidate

__all__ = ["find_romanized_names"]

_SURNAMES = frozenset(
    """KIM GIM LEE YI RHEE RI PARK PAK BAK CHOI CHOE JUNG CHUNG JEONG KANG CHO JO YOON YUN JANG
    CHANG LIM IM HAN OH SEO SUH SHIN SIN KWON HWANG AHN AN SONG YOO YU RYU JEON JUN HONG KO GO
    MOON MUN YANG SON BAE BAEK PAIK HEO HUH NAM SIM SHIM NOH ROH HA KWAK SUNG SEONG CHA JOO JU WOO
    KOO KU MIN JIN NA JI EOM UM CHAE WON CHUN CHEON BANG GONG HYUN HAM BYUN BYEON YEOM YEO CHOO
    SEOK SUK SEOL SOL MA GIL YEON PYO MYUNG MYEONG KI BAN WANG KEUM GEUM YOOK YUK MAENG TAK
    NAMGUNG HWANGBO JEGAL SEONWOO SUNWOO DOKGO SAGONG""".split()
)
# one syllable as Korean romanisations write it (Revised Romanisation, McCune-Reischauer, usage)
_SYLLABLE = (
    r"(?:kk|tt|pp|ss|jj|ch|sh|g|k|n|d|t|r|l|m|b|p|s|j|h|w|y)?"
    r"(?:yae|yeo|wae|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|oo|ee|ou|a|e|o|u|i)"
    r"(?:ng|k|n|t|l|m|p)?"
)
_TWO_SYLLABLES = re.compile(rf"{_SYLLABLE}[- ]?{_SYLLABLE}", re.IGNORECASE)
_UPPER = re.compile(r"(?<![A-Za-z])([A-Z]{1,8})[ \t]+([A-Z]{1,8}(?:[ \t-][A-Z]{1,8})?)(?![A-Za-z])")
_MIXED = re.compile(
    r"(?<![A-Za-z])([A-Z][a-z]{0,7})[ \t]+([A-Z][a-z]{0,7}(?:[ \t-][A-Za-z][a-z]{0,7})?)(?![A-Za-z])"
)
_CUE = re.compile(r"영문[ \t]?(?:명|이름|성명|성함)?|여권|passport|name on", re.IGNORECASE)
_CUE_REACH = 20  # a mixed-case name starts this close after the end of its cue


def _given(text: str) -> str | None:
    """The two-syllable given name ``text`` is, its second word dropped when it is not part of it."""
    if _TWO_SYLLABLES.fullmatch(text):
        return text
    first = re.split(r"[ \t-]", text, maxsplit=1)[0]
    return first if first != text and _TWO_SYLLABLES.fullmatch(first) else None


def find_romanized_names(text: str) -> Iterator[Candidate]:
    """Romanised Korean full names in ``text`` (a shadow text, see ``spans.shadow``)."""
    cues = [m.end() for m in _CUE.finditer(text)]
    for pattern, cued in ((_UPPER, False), (_MIXED, True)):
        for m in pattern.finditer(text):
            if m.group(1).upper() not in _SURNAMES:
                continue
            if cued and not any(0 <= m.start() - end <= _CUE_REACH for end in cues):
                continue
            given = _given(m.group(2))
            if given is not None:
                yield Candidate("name", m.start(1), m.start(2) + len(given))

"""English query words one slip from a word of the index, read as that word.

Kiwi's typo model corrects Korean query words (이저버렸어요 → 잊어버리); English tokens (Snowball
stems) had nothing: "membrship", "tranfer", "recieving" matched no chunk in BM25 and counted as
words the knowledge base does not know. A query stem of :data:`MIN_LETTERS` letters or more that the
index does not hold becomes the index's stem with the same first letter that is nearest by rapidfuzz
ratio, from :data:`SPELLING` up; a stem nothing is that near to stays as it is. Only queries are
corrected (never chunks), and only in searches with a lexicon (the product's), as Kiwi's typo model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence

from rapidfuzz import fuzz, process

__all__ = ["MIN_LETTERS", "SPELLING", "Spelling", "corrected"]

SPELLING = 90.0  # "membrship"/"membership" 94.7, "tranfer"/"transfer" 93.3; "debit"/"debt" 88.9 stays
MIN_LETTERS = 5
_STEM = re.compile(rf"[a-z]{{{MIN_LETTERS},}}")


class Spelling:
    """The English stems of one vocabulary, by first letter."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._by_first: dict[str, list[str]] = {}
        for term in terms:
            if _STEM.fullmatch(term):
                self._by_first.setdefault(term[0], []).append(term)

    def nearest(self, token: str, more: Collection[str] = ()) -> str | None:
        """The stem nearest to ``token`` among this vocabulary's and ``more`` (a delta's), if any
        is at least :data:`SPELLING` near."""
        pool = self._by_first.get(token[:1], [])
        extra = [t for t in more if t[:1] == token[:1] and _STEM.fullmatch(t)]
        choices = [*pool, *extra] if extra else pool
        hit = process.extractOne(token, choices, scorer=fuzz.ratio, score_cutoff=SPELLING)
        return None if hit is None else str(hit[0])


def corrected(
    tokens: Sequence[str], knows: Callable[[str], bool], nearest: Callable[[str], str | None]
) -> list[str]:
    """``tokens`` with each English stem the index does not know replaced by its nearest known stem."""
    out: list[str] = []
    for token in tokens:
        if _STEM.fullmatch(token) and not knows(token):
            fix = nearest(token)
            if fix is not None and knows(fix):
                token = fix
        out.append(token)
    return out

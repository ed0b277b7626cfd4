"""How well a text fits the inquiry by its words: local-IDF weighted term overlap and script-question fit.

Weights are local IDF over a candidate pool (:func:`weights`), so a word in every candidate sentence
(적립금 in a points article) counts little and a rare one (유효기간) a lot. A 상담 스크립트 question fits
by rapidfuzz token-set ratio plus that overlap both ways (:func:`script_fit`), compared in the
wording the inquiry is searched in (:func:`as_searched`); :func:`asks_more` tells a script question
that names a thing the inquiry does not.

Term sets are cached per text (least recently used dropped first, 100k by default): Kiwi costs
about a millisecond a sentence, and an answer weighs every sentence of its three top articles.
The serving warm-up tokenises every answer sentence ahead of the first questions and raises the
cache to hold them all (:func:`reserve_terms`). Held as tuples of interned strings (one string
per distinct morpheme) and handed out as frozensets: as frozensets of Kiwi's own strings the
85,719 texts of a 100k-chunk index took 161 MB. The sets of the 20k texts used last are kept as
sets too (:func:`term_set`'s own cache), since an answer looks up ~1,000; a look answered there
does not move its text up in the tuple store, which drops the least recently tokenised or
read through first.
"""

from __future__ import annotations

import functools
import math
import sys
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import fuzz

from assist.kept_lru import KeptLRU
from indexes.lexical import tokenize
from korean.colloquial import normalize_query, unknown_tokens
from korean.lexicon import Lexicon
from korean.things import thing_nouns

__all__ = [
    "as_searched",
    "asks_more",
    "hold_terms",
    "overlap",
    "reserve_terms",
    "script_fit",
    "term_set",
    "terms_held",
    "weights",
]

# texts; the warm-up raises it to every answer sentence of the index
_TERMS: KeptLRU[str, tuple[str, ...]] = KeptLRU(100_000)


# script questions (article text, never an inquiry) in the wording inquiries are searched in, per
# lexicon (its fingerprint)
_SEARCHED: KeptLRU[tuple[str, str], str] = KeptLRU(20_000)


@functools.lru_cache(maxsize=20_000)
def term_set(text: str) -> frozenset[str]:
    """The BM25 tokens of ``text`` (Kiwi morphemes, English stems), once per distinct text; the
    sets of the texts used most recently are kept as they are (a tenth of a microsecond a look,
    against one to rebuild a set from its tuple; an answer looks up ~1,000)."""
    return frozenset(_terms(text))


def _terms(text: str) -> tuple[str, ...]:
    hit = _TERMS.get(text)
    if hit is None:
        hit = tuple(dict.fromkeys(sys.intern(t) for t in tokenize(text)))  # Kiwi outside the lock
        _TERMS.put(text, hit)
    return hit


def hold_terms(texts: Sequence[str]) -> None:
    """Tokenise ``texts`` into the tuple cache (the warm-up: the set cache keeps what inquiries
    use, not the warm-up's last 20k)."""
    for text in texts:
        _terms(text)


def reserve_terms(n: int) -> None:
    """Keep the term sets of at least ``n`` texts from now on (a warm-up of more texts than the
    cache holds would otherwise drop the first ones while it tokenises the last)."""
    _TERMS.reserve(n)


def terms_held() -> int:
    """How many texts' term sets are cached now."""
    return len(_TERMS)


def weights(pool: Sequence[frozenset[str]]) -> dict[str, float]:
    """Local IDF of every term over ``pool`` (one term set per candidate)."""
    df: Counter[str] = Counter(t for ts in pool for t in ts)
    n = max(len(pool), 1)
    return {t: math.log(1 + n / (1 + c)) for t, c in df.items()}


def overlap(q: frozenset[str], ts: frozenset[str], w: dict[str, float], default: float) -> float:
    """The weighted share of ``q``'s terms found in ``ts`` (a term outside the pool weighs ``default``)."""
    total = sum(w.get(t, default) for t in q)
    return sum(w.get(t, default) for t in q & ts) / total if total else 0.0


def as_searched(text: str, lexicon: Lexicon | None) -> str:
    """``text`` (a 상담 스크립트 question) normalised as an inquiry is before it is searched
    (:func:`korean.colloquial.normalize_query`), so the two compare in one wording: "비밀번호를
    까먹었어요." is "비밀번호를 잊어버렸어요." as "비번 까먹었어요" becomes "비밀번호 잊어버렸어요"."""
    if lexicon is None:
        return text
    key = (lexicon.fingerprint, text)
    hit = _SEARCHED.get(key)
    if hit is None:
        hit = normalize_query(text, lexicon)
        _SEARCHED.put(key, hit)
    return hit


def script_fit(question: str, qterms: frozenset[str], asked: str, w: dict[str, float]) -> float:
    """How well a script Q/A's question ``asked`` fits the inquiry ``question`` (both in the
    searched wording: :func:`as_searched`); 0 without a question."""
    if not asked:
        return 0.0
    default = max(w.values(), default=1.0)
    fuzzy = fuzz.token_set_ratio(question, asked) / 100
    forward = overlap(qterms, term_set(asked), w, default)
    back = overlap(term_set(asked), qterms, w, default)
    return 0.4 * fuzzy + 0.35 * forward + 0.25 * back


@functools.lru_cache(maxsize=20_000)
def _asked_things(asked: str) -> tuple[str, ...]:
    """The things a script question names (its content nouns), analysed once per question."""
    return tuple(thing_nouns(asked))


def asks_more(asked: str, inquiry: str, qterms: frozenset[str], lexicon: Lexicon | None) -> bool:
    """The script question ``asked`` names a thing the inquiry does not (nor a synonym of it):
    "정기배송 해지하면 위약금 있어요?" answers the penalty, not "정기배송 해지하고 싶어요"."""
    return any(t not in inquiry for t in unknown_tokens(_asked_things(asked), qterms.__contains__, lexicon))

"""How well a text fits the inquiry by its words: local-IDF weighted term overlap and script-question fit.

Weights are local IDF over a candidate pool (:func:`weights`), so a word in every candidate sentence
(적립금 in a points article) counts little and a rare one (유효기간) a lot. A 상담 스크립트 question fits
by rapidfuzz token-set ratio plus that overlap both ways (:func:`script_fit`).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import fuzz

from core.types import Chunk
from indexes.lexical import tokenize

__all__ = ["overlap", "script_fit", "term_set", "weights"]


@functools.lru_cache(maxsize=100_000)
def term_set(text: str) -> frozenset[str]:
    """The BM25 tokens of ``text`` (Kiwi morphemes, English stems), once per distinct text."""
    return frozenset(tokenize(text))


def weights(pool: Sequence[frozenset[str]]) -> dict[str, float]:
    """Local IDF of every term over ``pool`` (one term set per candidate)."""
    df: Counter[str] = Counter(t for ts in pool for t in ts)
    n = max(len(pool), 1)
    return {t: math.log(1 + n / (1 + c)) for t, c in df.items()}


def overlap(q: frozenset[str], ts: frozenset[str], w: dict[str, float], default: float) -> float:
    """The weighted share of ``q``'s terms found in ``ts`` (a term outside the pool weighs ``default``)."""
    total = sum(w.get(t, default) for t in q)
    return sum(w.get(t, default) for t in q & ts) / total if total else 0.0


def script_fit(question: str, qterms: frozenset[str], chunk: Chunk, w: dict[str, float]) -> float:
    """How well a script Q/A chunk's question fits the inquiry (0 without a question)."""
    asked = str(chunk.meta.get("question", ""))
    if not asked:
        return 0.0
    default = max(w.values(), default=1.0)
    fuzzy = fuzz.token_set_ratio(question, asked) / 100
    forward = overlap(qterms, term_set(asked), w, default)
    back = overlap(term_set(asked), qterms, w, default)
    return 0.4 * fuzzy + 0.35 * forward + 0.25 * back

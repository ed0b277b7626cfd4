"""Is a generated sentence supported by its evidence? (used to filter LLM output)

A sentence is supported when it is (fuzzily) contained in one evidence text, or when at
least ``min_support`` of its content morphemes (Kiwi tokens) occur in that evidence. Invented
facts bring words the evidence does not have ("무료", a different number) and fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from indexes.lexical import tokenize

_MARKER = re.compile(r"\s*\[(\d+)\]")


def citation_markers(sentence: str) -> tuple[str, list[int]]:
    """The sentence without its [n] markers, and the numbers it cites."""
    numbers = [int(m) for m in _MARKER.findall(sentence)]
    return _MARKER.sub("", sentence).strip(), numbers


def support(sentence: str, evidence: str) -> float:
    """0..1: the larger of fuzzy containment and content-token coverage."""
    if not sentence.strip() or not evidence.strip():
        return 0.0
    fuzzy = fuzz.partial_ratio(sentence, evidence) / 100 if len(sentence) <= len(evidence) else 0.0
    tokens = tokenize(sentence)
    if not tokens:
        return fuzzy
    have = set(tokenize(evidence))
    coverage = sum(1 for t in tokens if t in have) / len(tokens)
    return max(fuzzy, coverage)


def is_supported(sentence: str, evidence: Sequence[str], *, min_support: float) -> bool:
    return any(support(sentence, text) >= min_support for text in evidence)

"""Korean speech levels: detect 하십시오체 ("formal") vs 해요체 ("polite") and normalise.

A reply must keep one level. Detection reads the sentence-final ending (Kiwi's EF tag);
normalisation swaps only that ending and lets Kiwi re-conjugate the last word
(처리됩니다 → 처리돼요, 드릴게요 → 드리겠습니다), leaving the rest of the sentence as written.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from assist.schemas import SpeechLevel
from indexes.lexical import _kiwi

_FORMAL_EF = ("ᆸ니다", "습니다", "ᆸ니까", "습니까", "ᆸ시오", "십시오", "ᆸ시다", "니다")
_POLITE_EF_SUFFIX = "요"
_LOCK = threading.Lock()
_HANGUL = re.compile(r"[가-힣]")


def _final_ending(sentence: str) -> tuple[list, int] | None:  # type: ignore[type-arg]
    with _LOCK:
        tokens = _kiwi().tokenize(sentence)
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].tag == "EF":
            return tokens, i
        if tokens[i].tag not in ("SF", "SE", "SS", "SW", "SO", "SP"):
            return None
    return None


@lru_cache(maxsize=50_000)
def level_of(sentence: str) -> SpeechLevel | None:
    """'formal' (…습니다/ㅂ니다/십시오), 'polite' (…요) or None (no polite final ending). Cached:
    answers and reply drafts ask it of the same article sentences on every request."""
    if not _HANGUL.search(sentence):
        return None
    found = _final_ending(sentence.strip())
    if found is None:
        return None
    tokens, i = found
    form = tokens[i].form
    if form in _FORMAL_EF or form.endswith("니다") or form.endswith("니까"):
        return "formal"
    if form.endswith(_POLITE_EF_SUFFIX):
        return "polite"
    return None


def dominant_level(sentences: Iterable[str], default: SpeechLevel = "formal") -> SpeechLevel:
    counts = Counter(level for s in sentences if (level := level_of(s)))
    if not counts:
        return default
    return "formal" if counts["formal"] >= counts["polite"] else "polite"


def _swap(form: str, prev: list[tuple[str, str]], target: SpeechLevel) -> list[tuple[str, str]] | None:
    """Replacement morphemes for a final ending ``form`` (prev = morphemes of the last word)."""
    if target == "polite":
        if form in ("ᆸ시오", "십시오"):
            if prev and prev[-1] == ("시", "EP"):
                prev.pop()
            return [("세요", "EF")]
        if form in ("ᆸ니까", "습니까"):
            return [("어요", "EF")]
        if form in _FORMAL_EF or form.endswith("니다"):
            if prev and prev[-1][0] in ("이", "아니") and prev[-1][1] in ("VCP", "VCN"):
                return [("에요", "EF")]
            return [("어요", "EF")]
        return None
    # target formal
    if form == "세요":  # in support replies 세요 is nearly always a request: 확인하세요 → 확인하십시오
        return [("시", "EP"), ("ᆸ시오", "EF")]
    if form in ("ᆯ게요", "을게요"):
        return [("겠", "EP"), ("습니다", "EF")]
    if form in ("어요", "아요", "여요", "에요", "예요", "이에요", "죠", "지요", "네요", "ᆫ데요", "는데요"):
        return [("ᆸ니다", "EF")]
    return None


@lru_cache(maxsize=50_000)
def to_level(sentence: str, target: SpeechLevel) -> str:
    """The sentence with its final ending in ``target`` level; unchanged if already there or unknown
    (cached, like :func:`level_of`)."""
    current = level_of(sentence)
    if current is None or current == target:
        return sentence
    found = _final_ending(sentence)
    if found is None:
        return sentence
    tokens, i = found
    # the last word: tokens after the last space before the ending
    start = i
    while start > 0 and tokens[start - 1].end >= tokens[start].start:
        start -= 1
    prev = [(t.form, t.tag) for t in tokens[start:i]]
    repl = _swap(tokens[i].form, prev, target)
    if repl is None:
        return sentence
    tail = [(t.form, t.tag) for t in tokens[i + 1 :]]
    with _LOCK:
        word = _kiwi().join(prev + repl)
    head = sentence[: tokens[start].start]
    rest = sentence[tokens[i].end :] if not tail else sentence[tokens[i + 1].start :]
    out = head + word + rest
    return out if level_of(out) == target else sentence

"""Text handling for answer metrics: tokens for F1/ROUGE-L and cited sentences for groundedness.

Korean text (more Hangul than Latin letters) is split into *all* Kiwi morphemes (particles and
endings included, punctuation dropped, Latin lowercased), so 환불은 → 환불 / 은. Other text is
split on whitespace, lowercased, with punctuation stripped from the ends of each token.
"""

from __future__ import annotations

import re
import string

from korean.lang import detect_lang
from korean.sentences import get_kiwi, split_sentences

__all__ = ["answer_sentences", "answer_tokens", "is_korean", "strip_citations"]

_PUNCT_TAGS = ("SF", "SP", "SS", "SE", "SO", "SW", "SSO", "SSC")
_HANGUL_LETTER = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
_CITATION = re.compile(r"\s*\[(\d+(?:\s*[,，]\s*\d+)*)\]")
_EDGE_PUNCT = string.punctuation + "“”‘’«»…·、。，！？"


def is_korean(text: str) -> bool:
    return bool(_HANGUL_LETTER.search(text)) and detect_lang(text) == "ko"


def answer_tokens(text: str) -> list[str]:
    """Tokens of an answer or a reference, for token F1 and ROUGE-L."""
    text = strip_citations(text)
    if not text.strip():
        return []
    if is_korean(text):
        return [
            t.form.lower() for t in get_kiwi().tokenize(text) if t.tag.split("-", 1)[0] not in _PUNCT_TAGS
        ]
    tokens = (w.strip(_EDGE_PUNCT).lower() for w in text.split())
    return [t for t in tokens if t]


def strip_citations(text: str) -> str:
    """The text without ``[1]`` / ``[1, 2]`` citation markers."""
    return _CITATION.sub("", text)


def answer_sentences(text: str) -> list[tuple[str, list[int]]]:
    """``(sentence without markers, citation numbers in it)`` for each sentence of an answer."""
    out: list[tuple[str, list[int]]] = []
    for sentence in split_sentences(text):
        cited = [int(n) for m in _CITATION.finditer(sentence) for n in re.split(r"\s*[,，]\s*", m.group(1))]
        clean = strip_citations(sentence).strip()
        if any(ch.isalnum() for ch in clean):
            out.append((clean, cited))
    return out

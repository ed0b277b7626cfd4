"""Sentence splitting for Korean (and English) KMS text.

Line structure comes first: every non-empty line (a bullet, a numbered step, a paragraph) is at
least its own unit, so a step is never glued to the next one. Lines that are long or carry
sentence punctuation are then split into sentences by Kiwi (``Kiwi.split_into_sents``), and each
resulting piece is split once more at Latin sentence ends (``. `` + capital letter), which Kiwi
handles poorly in English text.

``sentence_spans`` returns ``(start, end)`` offsets into the original text so callers (the
chunker) can cut pieces out of the source without reformatting it; ``split_sentences`` returns
the stripped sentence strings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from korean.kiwi import KIWI_LOCK, kiwi

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

__all__ = ["get_kiwi", "sentence_spans", "split_sentences"]

# A line shorter than this without sentence punctuation is taken as one sentence (no Kiwi call).
_SHORT_LINE = 80
_SENT_PUNCT = re.compile(r"[.!?。！？…]")
_LINE = re.compile(r"[^\r\n]+")
# A Latin sentence end: terminal punctuation (plus closing quotes/brackets), whitespace, and a
# capital letter, digit or opening quote/bracket starting the next sentence.
_LATIN_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?i:mr|mrs|ms|dr|prof|sr|jr|st|vs|etc|no|inc|ltd|co|corp|approx|e\.g|i\.e)|\b[A-Z])\.$"
)


def get_kiwi() -> Kiwi:
    """The process-wide Kiwi instance shared with the BM25 tokenizer (guard calls with KIWI_LOCK)."""
    return kiwi()


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _latin_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at Latin sentence ends, skipping common abbreviations."""
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _LATIN_END.finditer(text, start, end):
        head = text[cur : m.start()]
        if _ABBREV.search(head) or not head.strip():
            continue
        spans.append((cur, m.start() + len(m.group(0).rstrip())))
        cur = m.end()
    spans.append((cur, end))
    return [s for s in (_strip_span(text, a, b) for a, b in spans) if s[0] < s[1]]


_ENDS = frozenset(".!?…。！？")
_CLOSING = frozenset("\"')]」』”’")
_OPENING = frozenset("([")


def _cut(line: str, c: int) -> int | None:
    """Kiwi's sentence start ``c`` as a cut point, or None inside a word: Kiwi sometimes starts a
    sentence at a particle after a bracket or quote ("(033-731-3704)‖로 연락하면 된다",
    "'청소년전화'‖에 문의", "다‖자녀 가구"). A cut follows a space, an end mark or an end mark and
    a closing quote; after an end mark and an opening bracket it moves before the bracket."""
    prev = line[c - 1]
    if prev.isspace() or prev in _ENDS or (prev in _CLOSING and c >= 2 and line[c - 2] in _ENDS):
        return c
    if prev in _OPENING and c >= 2 and line[c - 2] in _ENDS:
        return c - 1
    return None


@lru_cache(maxsize=20_000)
def _sentence_cuts(line: str) -> tuple[int, ...]:
    """Where ``line`` is cut into sentences: Kiwi's sentence starts after the first, each as
    :func:`_cut` places it, sorted (cached: answers, reply drafts and the draft lint split the same
    article and draft lines again and again)."""
    with KIWI_LOCK:
        sents = get_kiwi().split_into_sents(line)
    cuts = (_cut(line, c) for c in sorted({s.start for s in sents}) if c)
    return tuple(c for c in cuts if c)


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    line = text[start:end]
    if len(line) <= _SHORT_LINE and not _SENT_PUNCT.search(line):
        return [(start, end)]
    # Kiwi's sentence starts become cut points; the pieces between them cover the whole line, so
    # no character Kiwi leaves out of a sentence is ever lost.
    cuts = [start + c for c in _sentence_cuts(line)]
    bounds = [start, *(c for c in cuts if start < c < end), end]
    out: list[tuple[int, int]] = []
    for a, b in pairwise(bounds):
        a, b = _strip_span(text, a, b)
        if a < b:
            out.extend(_latin_split(text, a, b))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, in order, whitespace-trimmed."""
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        a, b = _strip_span(text, m.start(), m.end())
        if a < b:
            spans.extend(_line_spans(text, a, b))
    return spans


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences: each line at least one unit, long lines split by Kiwi.

    >>> split_sentences("환불은 7일 이내 가능합니다. 단, 사용한 상품은 제외됩니다.")
    ['환불은 7일 이내 가능합니다.', '단, 사용한 상품은 제외됩니다.']
    """
    stripped = text.strip()
    if not stripped:
        return []
    if "\n" not in stripped and len(stripped) <= _SHORT_LINE and not _SENT_PUNCT.search(stripped):
        return [stripped]
    return [text[a:b] for a, b in sentence_spans(text)]

"""Latin-script words as whole words: Kiwi cuts a sentence-final English word in two.

kiwipiepy 0.24 tags English words ``SL``, but a word followed by a full stop comes out as two
pieces with the stop attached ("refund." → ``r`` + ``efund.``, "pending." → ``pe`` + ``nding.``,
"through." → ``th`` + ``rough.``), so BM25 never matched the last word of an English sentence
with the same word elsewhere. :func:`latin_words` joins ``SL`` pieces that touch in the text
(the end of one is the start of the next) and strips the punctuation Kiwi left on them; every
other token passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

__all__ = ["Piece", "latin_words"]

_EDGE = ".,;:!?'\"()[]{}"


class Piece(NamedTuple):
    """A token reduced to what the lexical leg reads: its surface form and tag."""

    form: str
    tag: str


def latin_words(tokens: Iterable[object]) -> Iterator[Piece]:
    """``tokens`` (Kiwi tokens: ``form``, ``tag``, ``start``, ``len``) with touching ``SL``
    pieces joined into one word and edge punctuation stripped from Latin words
    ("U.S." → "U.S"); a Latin token that is only punctuation is dropped."""
    run: list[str] = []  # the Latin pieces of the word being joined
    run_end = -1
    for tok in tokens:
        form: str = tok.form  # type: ignore[attr-defined]
        tag: str = tok.tag  # type: ignore[attr-defined]
        if tag == "SL" or tag.startswith("SL-"):
            start: int = tok.start  # type: ignore[attr-defined]
            if run and start != run_end:
                yield from _word(run)
                run = []
            run.append(form)
            run_end = start + tok.len  # type: ignore[attr-defined]
            continue
        if run:
            yield from _word(run)
            run = []
        yield Piece(form, tag)
    if run:
        yield from _word(run)


def _word(run: list[str]) -> Iterator[Piece]:
    word = "".join(run).strip(_EDGE)
    if word:
        yield Piece(word, "SL")

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
from dataclasses import dataclass

__all__ = ["Piece", "latin_words"]

_EDGE = ".,;:!?'\"()[]{}"


@dataclass(frozen=True)
class Piece:
    """A token reduced to what the lexical leg reads: its surface form and tag."""

    form: str
    tag: str


def latin_words(tokens: Iterable[object]) -> Iterator[Piece]:
    """``tokens`` (Kiwi tokens: ``form``, ``tag``, ``start``, ``len``) with touching ``SL``
    pieces joined into one word and edge punctuation stripped from Latin words
    ("U.S." → "U.S"); a Latin token that is only punctuation is dropped."""
    run: list[str] = []
    run_end = -1
    for tok in tokens:
        form: str = tok.form  # type: ignore[attr-defined]
        tag: str = tok.tag  # type: ignore[attr-defined]
        start: int = tok.start  # type: ignore[attr-defined]
        if tag.split("-", 1)[0] == "SL":
            if run and start == run_end:
                run.append(form)
            else:
                yield from _word(run)
                run = [form]
            run_end = start + tok.len  # type: ignore[attr-defined]
            continue
        yield from _word(run)
        run = []
        yield Piece(form, tag)
    yield from _word(run)


def _word(run: list[str]) -> Iterator[Piece]:
    word = "".join(run).strip(_EDGE)
    if word:
        yield Piece(word, "SL")

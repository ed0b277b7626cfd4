"""The serving warm-up: every answer sentence split, labelled, tokenised and embedded ahead of the
first questions.

`kms serve` runs :func:`warm` in a background thread. It splits the articles' answer chunks into
candidate sentences (:mod:`assist.answer_sentences`, cached per chunk version), tokenises what
an answer weighs of each (:mod:`assist.term_fit`), and embeds each sentence once
(:mod:`assist.sentence_vectors`), reading the vectors an earlier start stored
(:mod:`assist.sentence_store`) and embedding only the others. Each of those caches is raised
first to hold everything the warm-up puts in it: what it does is kept, not pushed out by its own end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assist.answer_sentences import (
    answer_chunks,
    chunk_candidates,
    doc_chunks,
    headroom,
    reserve_candidates,
    script_questions,
)
from assist.sentence_rank import chunk_texts, reserve_texts
from assist.sentence_store import load_vectors, stored_dtype, text_key, write_vectors
from assist.sentence_vectors import held_rows, held_texts, remember, reserve, sentence_vectors
from assist.term_fit import as_searched, hold_terms, reserve_terms
from core.types import Chunk
from indexes.embedder import Embedder
from indexes.hybrid import HybridIndex
from korean.lexicon import Lexicon

__all__ = ["WarmResult", "answer_sentence_texts", "warm"]


@dataclass
class WarmResult:
    """What a warm-up did: sentences in all, read from the stored vectors, embedded now, and
    the candidate texts it tokenised."""

    sentences: int = 0
    stored: int = 0
    embedded: int = 0
    terms: int = 0  # candidate texts tokenised (assist.term_fit.hold_terms)


def answer_sentence_texts(index: HybridIndex, lexicon: Lexicon | None = None) -> list[str]:
    """What the warm-up embeds: every answer sentence (as embedded) and script question of the
    index's articles and documents (the questions also as compared with an inquiry searched
    with ``lexicon``: :func:`assist.term_fit.as_searched`)."""
    return _sentence_texts(_answer_chunks_of(index), lexicon)


def _answer_chunks_of(index: HybridIndex) -> list[Chunk]:
    """The answer chunks of every article and document of ``index`` (not its tickets)."""
    docs = dict.fromkeys(k.doc_id for k in index.chunk_keys() if k.doc_type != "ticket")
    chunks = [c for doc_id in docs for c in answer_chunks(doc_chunks(index, doc_id))]
    reserve_candidates(headroom(len(chunks)))
    reserve_texts(len(chunks))  # the suggestions' best-sentence re-rank (assist.sentence_rank)
    return chunks


def _sentence_texts(chunks: Sequence[Chunk], lexicon: Lexicon | None) -> list[str]:
    texts = [text for chunk in chunks for text in chunk_texts(chunk)]
    return list(dict.fromkeys(texts + _script_questions(chunks, lexicon)))


def _script_questions(chunks: Sequence[Chunk], lexicon: Lexicon | None) -> list[str]:
    asked = script_questions(chunks)
    return list(dict.fromkeys(asked + [as_searched(q, lexicon) for q in asked]))


def _warm_terms(chunks: Sequence[Chunk], lexicon: Lexicon | None) -> int:
    """Tokenise every candidate's words as an answer weighs them (``pool_text``, ``fit_text``)
    and every script question (``script_fit``): Kiwi costs ~1 ms a sentence, and the first
    question about an article no one asked about yet otherwise pays it for all the article's
    sentences (100k chunks: p95 ~100 ms after a warm-up that embedded every sentence, 2/3 of it
    here). Returns the texts tokenised."""
    cands = [cand for chunk in chunks for cand in chunk_candidates(chunk)]
    words = [t for cand in cands for t in (cand.pool_text, cand.fit_text)]
    texts = list(dict.fromkeys(words + _script_questions(chunks, lexicon)))
    reserve_terms(headroom(len(texts)) + 100_000)  # and room for inquiries and said sentences
    hold_terms(texts)
    return len(texts)


def warm(
    index: HybridIndex,
    *,
    batch: int = 8,
    store: Path | None = None,
    save_every_s: float = 60.0,
    clock: Callable[[], float] = time.monotonic,
    lexicon: Lexicon | None = None,
) -> WarmResult:
    """Split, label, tokenise and embed every answer sentence of the index's articles ahead of
    the first questions (the serving start-up runs this in a background thread).

    ``lexicon``: the one inquiries are searched with (script questions are compared with them in
    its wording, :func:`assist.term_fit.as_searched`, and embedded so as well).
    ``store`` (``assist.sentence_store``): vectors stored by an earlier start are read from it
    and only the others are embedded; the vectors of the current sentences are written back at
    the end, and every ``save_every_s`` meanwhile, so a long warm-up cut short is not lost.
    Small batches with a pause between them: a request waiting for the embedder waits for one
    batch (~0.4 s on two cores), not for a warm-up of thousands of sentences. The caches of split
    chunks and of sentence vectors are made to hold every one first (``reserve_candidates``,
    ``sentence_vectors.reserve``): what the warm-up does is kept, not pushed out by its own end."""
    embedder = index.embedder
    chunks = _answer_chunks_of(index)
    texts = _sentence_texts(chunks, lexicon)
    reserve(embedder, headroom(len(texts)))  # every one of them stays (sentence_vectors.reserve)
    result = WarmResult(sentences=len(texts), terms=_warm_terms(chunks, lexicon))
    if store is not None:
        saved = load_vectors(store, embedder.dim, np.float16)
        found = {t: saved[k] for t in texts if (k := text_key(t)) in saved}
        remember(embedder, found)
        result.stored = len(found)
        # vectors of sentences that no longer exist, or a float32 file from before
        write_needed = len(saved) != len(found) or stored_dtype(store) != np.float16
        del saved, found  # the file's matrix: the cache holds its own copy
    else:
        write_needed = False
    have = set(held_texts(embedder, texts))  # membership only: no copy of the vectors
    missing = [t for t in texts if t not in have]
    last_save = clock()
    for start in range(0, len(missing), batch):
        sentence_vectors(embedder, missing[start : start + batch])
        result.embedded += len(missing[start : start + batch])
        if store is not None and clock() - last_save >= save_every_s:
            _save(store, embedder, texts)
            last_save = clock()
        time.sleep(0.005)  # let a request that waits for the embedder have it
    if store is not None and (result.embedded or write_needed):
        _save(store, embedder, texts)
    return result


def _save(store: Path, embedder: Embedder, texts: Sequence[str]) -> None:
    held, rows = held_rows(embedder, texts)  # float16, as the cache holds them
    write_vectors(store, {text_key(t): v for t, v in zip(held, rows, strict=True)}, embedder.dim, np.float16)

"""Passage vectors of candidate answer sentences, embedded once per embedder and kept (LRU).

Answers, reply drafts and the serving warm-up (:func:`assist.sentence_warmup.warm`) embed the same
article sentences and script questions again and again; this cache holds up to 50k per embedder
(weakly keyed, so a closed knowledge base's embedder takes its cache with it), or every answer
sentence of the index when the warm-up finds more (:func:`reserve`: at 100k chunks, 9,774
articles, 85,839 sentences; a 50k cache dropped the first 36k while the warm-up embedded the rest,
kept and stored only the last 50k, and embedded the others again at every start). The vectors
are held as float16 (the dense index's precision; 66 MB for those 85,839 instead of 141 MB as
float32 arrays) and handed out as float32.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence

import numpy as np

from assist.vector_lru import VectorLRU
from indexes.embedder import Embedder

__all__ = ["held_rows", "held_texts", "remember", "reserve", "sentence_vectors"]

_VECTOR_CACHE_SIZE = 50_000
_CACHES: weakref.WeakKeyDictionary[object, VectorLRU] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache(embedder: Embedder) -> VectorLRU:
    with _CACHES_LOCK:
        return _CACHES.setdefault(embedder, VectorLRU(_VECTOR_CACHE_SIZE, np.float16))


def sentence_vectors(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Passage vectors of candidate sentences, embedded once and kept (LRU, 50k per embedder)."""
    return _cache(embedder).vectors(texts, embedder.embed_documents, embedder.dim)


def remember(embedder: Embedder, vectors: dict[str, np.ndarray]) -> None:
    """Put computed vectors (just embedded, or read from disk) into ``embedder``'s cache."""
    _cache(embedder).put(vectors)


def held_texts(embedder: Embedder, texts: Sequence[str]) -> list[str]:
    """Which of ``texts`` ``embedder``'s cache holds now (nothing copied)."""
    return _cache(embedder).held(texts)


def held_rows(embedder: Embedder, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The texts of ``texts`` ``embedder``'s cache holds and their float16 vectors, one matrix."""
    return _cache(embedder).rows(texts)


def reserve(embedder: Embedder, n: int) -> None:
    """Let ``embedder``'s cache hold at least ``n`` vectors (the warm-up's sentences and then some)."""
    _cache(embedder).reserve(n)

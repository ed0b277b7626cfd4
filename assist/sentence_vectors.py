"""Passage vectors of candidate answer sentences, embedded once per embedder and kept (LRU).

Answers, reply drafts and the serving warm-up (:func:`assist.answer_sentences.warm`) embed the same
article sentences and script questions again and again; this cache holds up to 50k per embedder
(weakly keyed, so a closed knowledge base's embedder takes its cache with it).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from indexes.embedder import Embedder

__all__ = ["cached_vectors", "remember", "sentence_vectors"]

_VECTOR_CACHE_SIZE = 50_000
_VECTORS: weakref.WeakKeyDictionary[object, OrderedDict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_VECTORS_LOCK = threading.Lock()


def sentence_vectors(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Passage vectors of candidate sentences, embedded once and kept (LRU, 50k per embedder)."""
    with _VECTORS_LOCK:
        cache = _VECTORS.setdefault(embedder, OrderedDict())
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        remember(embedder, dict(zip(missing, embedder.embed_documents(missing), strict=True)))
    with _VECTORS_LOCK:
        out = []
        for t in texts:
            vec = cache.get(t)
            if vec is None:  # evicted by a concurrent request: embed it again
                vec = embedder.embed_documents([t])[0]
            else:
                cache.move_to_end(t)
            out.append(vec)
    return np.vstack(out) if out else np.zeros((0, 1), dtype=np.float32)


def remember(embedder: Embedder, vectors: dict[str, np.ndarray]) -> None:
    """Put computed vectors (just embedded, or read from disk) into ``embedder``'s cache."""
    with _VECTORS_LOCK:
        cache = _VECTORS.setdefault(embedder, OrderedDict())
        for text, vec in vectors.items():
            cache[text] = vec
            cache.move_to_end(text)
        while len(cache) > _VECTOR_CACHE_SIZE:
            cache.popitem(last=False)


def cached_vectors(embedder: Embedder, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """The vectors of ``texts`` that ``embedder``'s cache holds now (none is embedded)."""
    with _VECTORS_LOCK:
        cache = _VECTORS.get(embedder) or OrderedDict()
        return {t: cache[t] for t in texts if t in cache}

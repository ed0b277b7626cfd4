"""Vectors of texts, computed once and kept; the least recently used are dropped first.

One class for both caches of embedded texts: the passage vectors of candidate answer sentences
(:mod:`assist.sentence_vectors`, per embedder) and the query vectors of unanswered questions
(:class:`assist.analytics.unanswered.VectorCache`, per model). Embedding happens outside the lock,
each missing distinct text once per call; a text another caller's additions pushed out between
the two looks is embedded again with any others so lost, in one batch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

Embed = Callable[[list[str]], np.ndarray]


class VectorLRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str], embed: Embed, dim: int) -> np.ndarray:
        """One row per text, in order; the texts used are now the most recent."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        fresh = dict(zip(missing, embed(missing), strict=True)) if missing else {}
        rows: dict[str, np.ndarray] = {}
        with self._lock:
            self._cache.update(fresh)  # trimmed only after the loop: every fresh text is found
            for text in texts:
                vector = self._cache.get(text)
                if vector is not None:
                    rows[text] = vector
                    self._cache.move_to_end(text)
            self._trim()
        lost = [t for t in dict.fromkeys(texts) if t not in rows]
        if lost:  # dropped by a concurrent caller before this one read it
            again = dict(zip(lost, embed(lost), strict=True))
            rows.update(again)
            self.put(again)
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        return np.vstack([rows[t] for t in texts])

    def reserve(self, n: int) -> None:
        """Hold at least ``n`` vectors from now on (a warm-up that embeds more texts than the
        cache holds would otherwise drop the first ones while it embeds the last)."""
        with self._lock:
            self.size = max(self.size, n)

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        """Add computed vectors (just embedded, or read from disk) as the most recent."""
        with self._lock:
            for text, vector in vectors.items():
                self._cache[text] = vector
                self._cache.move_to_end(text)
            self._trim()

    def peek(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of ``texts`` held now (nothing embedded, the order of use unchanged)."""
        with self._lock:
            return {t: self._cache[t] for t in texts if t in self._cache}

    def _trim(self) -> None:
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)

"""Vectors of texts, computed once and kept; the least recently used are dropped first.

One class for both caches of embedded texts: the passage vectors of candidate answer sentences
(:mod:`assist.sentence_vectors`, per embedder) and the query vectors of unanswered questions
(:class:`assist.analytics.unanswered.VectorCache`, per model). Embedding happens outside the lock,
each missing distinct text once per call; a text another caller's additions pushed out between
the two looks is embedded again with any others so lost, in one batch.

The vectors are rows of one matrix (``dtype``: float16 halves it, as the dense index stores its
chunk vectors), grown as needed and its rows reused once dropped: a separate float32 array per
text cost 1,648 bytes for 1,536 of numbers, 141 MB for the 85,839 answer sentences of a
100k-chunk index, where float16 rows take 66 MB. Rows are handed out as float32.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Embed = Callable[[list[str]], np.ndarray]

_GROWTH = 1.5  # the matrix grows by half (a doubling at 86k rows would hold 44k rows for nothing)


class VectorLRU:
    def __init__(self, size: int, dtype: Any = np.float32) -> None:
        self.size = size
        self.dtype = np.dtype(dtype)
        self._slots: OrderedDict[str, int] = OrderedDict()  # text -> row, least recent first
        self._rows = np.zeros((0, 0), self.dtype)
        self._free: list[int] = []  # rows of dropped texts, reused first
        self._used = 0  # rows ever handed out (the rest of the matrix is spare)
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str], embed: Embed, dim: int) -> np.ndarray:
        """One row per text, in order; the texts used are now the most recent."""
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._slots))
        fresh = dict(zip(missing, embed(missing), strict=True)) if missing else {}
        with self._lock:
            for text, vector in fresh.items():
                self._store(text, vector)  # trimmed only after the read: every fresh text is found
            slots = [self._slots.get(t) for t in texts]
            for text, slot in zip(texts, slots, strict=True):
                if slot is not None:
                    self._slots.move_to_end(text)
            found = [i for i, slot in enumerate(slots) if slot is not None]
            out = np.zeros((len(texts), dim), dtype=np.float32)
            if found:  # one gather of the rows (a float32 copy per text cost 2 µs each)
                out[found] = self._rows[[slot for slot in slots if slot is not None]]
            self._trim()
        if len(found) < len(texts):  # dropped by a concurrent caller before this one read it
            lost = list(dict.fromkeys(texts[i] for i, slot in enumerate(slots) if slot is None))
            again = dict(zip(lost, embed(lost), strict=True))
            for i, slot in enumerate(slots):
                if slot is None:
                    out[i] = np.asarray(again[texts[i]], self.dtype)  # as the cache will hold it
            self.put(again)
        return out

    def reserve(self, n: int) -> None:
        """Hold at least ``n`` vectors from now on (a warm-up that embeds more texts than the
        cache holds would otherwise drop the first ones while it embeds the last)."""
        with self._lock:
            self.size = max(self.size, n)

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        """Add computed vectors (just embedded, or read from disk) as the most recent."""
        with self._lock:
            new = sum(1 for t in vectors if t not in self._slots)
            room = min(self._used + max(new - len(self._free), 0), max(self.size, 1))
            if vectors and room > len(self._rows):  # one allocation for a large batch (a warm-up's
                dim = len(next(iter(vectors.values())))  # 86k read back), not many
                self._check(dim)
                self._grow(room, dim)
            for text, vector in vectors.items():
                if text not in self._slots:
                    self._trim(self.size - 1)  # its row is reused: the matrix stays at ``size``
                self._store(text, vector)

    def held(self, texts: Sequence[str]) -> list[str]:
        """Which of ``texts`` are held now (nothing copied, the order of use unchanged)."""
        with self._lock:
            return [t for t in dict.fromkeys(texts) if t in self._slots]

    def rows(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The texts of ``texts`` held now and their vectors as stored (``dtype``), one matrix:
        what a warm-up writes to disk, without a float32 copy of each."""
        with self._lock:
            held = [t for t in dict.fromkeys(texts) if t in self._slots]
            if not held:
                return held, np.zeros((0, self._rows.shape[1]), self.dtype)
            return held, self._rows[[self._slots[t] for t in held]]

    def __len__(self) -> int:
        with self._lock:
            return len(self._slots)

    @property
    def nbytes(self) -> int:
        """The matrix's size in bytes (its spare rows included)."""
        return int(self._rows.nbytes)

    def _check(self, dim: int) -> None:
        if self._used and dim != self._rows.shape[1]:
            raise ValueError(f"a vector of {dim} dimensions in a cache of {self._rows.shape[1]}")

    def _store(self, text: str, vector: np.ndarray) -> None:
        self._check(len(vector))
        slot = self._slots.get(text)
        if slot is None:
            slot = self._free.pop() if self._free else self._new_row(len(vector))
            self._slots[text] = slot
        else:
            self._slots.move_to_end(text)
        self._rows[slot] = vector

    def _new_row(self, dim: int) -> int:
        capacity = len(self._rows)
        if self._used == capacity:
            self._grow(max(self._used + 1, min(int(capacity * _GROWTH) + 64, self.size)), dim)
        self._used += 1
        return self._used - 1

    def _grow(self, capacity: int, dim: int) -> None:
        rows = np.zeros((capacity, dim), self.dtype)
        if self._used:
            rows[: self._used] = self._rows[: self._used]
        self._rows = rows

    def _trim(self, limit: int | None = None) -> None:
        while len(self._slots) > max(self.size if limit is None else limit, 0):
            _, slot = self._slots.popitem(last=False)
            self._free.append(slot)

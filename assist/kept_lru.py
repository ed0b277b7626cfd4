"""A least-recently-used cache that a warm-up can raise: one for the split sentences of chunks
(:mod:`assist.answer_sentences`) and one for the term sets of texts (:mod:`assist.term_fit`).

Values are computed outside the lock by the caller (:meth:`KeptLRU.get`, compute, :meth:`put`);
two threads computing the same key both store the same value. :meth:`reserve` raises the size
and never lowers it: a warm-up that fills more entries than the cache holds would otherwise drop
its first ones while it computes the last.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KeptLRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recent), or None."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` as the most recent; the least recently used beyond ``size`` go."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def reserve(self, n: int) -> None:
        """Hold at least ``n`` entries from now on."""
        with self._lock:
            self.size = max(self.size, n)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

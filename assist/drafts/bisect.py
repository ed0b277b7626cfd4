"""Step 8 of the topic clustering (:mod:`assist.drafts.clusters`): a topic whose halves each have a
keyword of their own is two topics.

Each topic of at least ``2 × min_size`` tickets is cut in two by its vectors (spherical 2-means,
started from the two least similar tickets, so the result is deterministic). The cut holds when
both halves have ``min_size`` tickets and each half has a noun that at least ``share`` of its
tickets use and that no ticket of the other half uses; the halves are then cut again the same way.

Step 3 (``_split``) cuts only groups whose members are not linked by any shared keyword; one
word that a few tickets of both subjects happen to use ("transfer", "fee") keeps two subjects in
one topic there. Here the vectors propose the cut and the words confirm it: banking77 keeps
topics that join two intents asked with their own vocabulary (a top-up by card / a card payment
fee), and one draft had the majority of one intent while the other intent got none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from assist.clustering import unit_mean

__all__ = ["bisect", "bisect_topics"]

_ROUNDS = 20


def _halves(rows: Sequence[int], arr: np.ndarray) -> tuple[list[int], list[int]] | None:
    """``rows`` in two by spherical 2-means from the least similar pair; None when one is empty."""
    x = arr[list(rows)]
    sims = x @ x.T
    a, b = np.unravel_index(int(np.argmin(sims)), sims.shape)
    centres = np.vstack([x[a], x[b]])
    side = np.zeros(len(rows), dtype=np.int64)
    for _ in range(_ROUNDS):
        side = np.asarray((x @ centres.T).argmax(axis=1), dtype=np.int64)
        if side.min() == side.max():
            return None
        moved = np.vstack([unit_mean(x[side == k]) for k in (0, 1)])
        if np.allclose(moved, centres):
            break
        centres = moved
    return [r for r, s in zip(rows, side.tolist(), strict=True) if s == 0], [
        r for r, s in zip(rows, side.tolist(), strict=True) if s == 1
    ]


def _own_keyword(part: Sequence[int], other: Sequence[int], sets: Sequence[set[str]], share: float) -> bool:
    """Whether ``share`` or more of ``part``'s tickets use a noun that no ticket of ``other`` uses."""
    counts = Counter(w for m in part for w in sets[m])
    used = {w for m in other for w in sets[m]}
    return any(n >= share * len(part) and w not in used for w, n in counts.items())


def bisect(
    rows: Sequence[int], arr: np.ndarray, sets: Sequence[set[str]], min_size: int, share: float
) -> list[list[int]]:
    """``rows`` (one topic) cut into halves, recursively, while both halves have ``min_size``
    members and a keyword of their own (see the module doc); ``[rows]`` when no cut holds."""
    rows = sorted(rows)
    if share <= 0 or len(rows) < 2 * min_size:
        return [rows]
    halves = _halves(rows, arr)
    if halves is None:
        return [rows]
    left, right = halves
    if min(len(left), len(right)) < min_size:
        return [rows]
    if not (_own_keyword(left, right, sets, share) and _own_keyword(right, left, sets, share)):
        return [rows]
    return bisect(left, arr, sets, min_size, share) + bisect(right, arr, sets, min_size, share)


def bisect_topics(
    labels: np.ndarray, arr: np.ndarray, sets: Sequence[set[str]], min_size: int, share: float
) -> np.ndarray:
    """``labels`` with every topic replaced by its :func:`bisect` parts (new parts get new labels)."""
    out = labels.copy()
    nxt = int(labels.max()) + 1 if len(labels) else 0
    for lab in sorted({int(v) for v in labels.tolist() if v >= 0}):
        parts = bisect(np.flatnonzero(labels == lab).tolist(), arr, sets, min_size, share)
        for part in parts[1:]:
            out[part] = nxt
            nxt += 1
    return out

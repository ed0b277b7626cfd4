"""Clustering of L2-normalised embedding vectors into recurring topics (``-1`` = noise).

    cluster(vectors, method, **params) -> labels

Three methods, picked by measurement (``python -m assist.drafts.bench_clustering``):

- ``agglomerative``: average-linkage agglomerative clustering with a cosine *distance*
  ``threshold`` (scikit-learn); clusters smaller than ``min_size`` become noise.
- ``hdbscan``: scikit-learn HDBSCAN on the unit vectors (euclidean distance is monotone in
  cosine there); ``min_size`` is its ``min_cluster_size``.
- ``community``: sentence-transformers-style community detection: every item with at least
  ``min_size`` neighbours of cosine >= ``threshold`` seeds a community, communities are taken
  largest first and items already taken are removed from later ones.

Labels are renumbered ``0..k-1`` by decreasing cluster size (ties: first member), so the same
input always gives the same labels. Agglomerative clustering holds an n×n distance matrix:
fine for tens of thousands of tickets, not for millions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["METHODS", "centroid", "cluster", "community_seeds", "medoid", "relabel", "take_communities"]
__all__ += ["unit_mean", "unit_rows"]

METHODS: tuple[str, ...] = ("agglomerative", "hdbscan", "community")
_BLOCK = 1024


def relabel(labels: np.ndarray, *, min_size: int = 1) -> np.ndarray:
    """Clusters smaller than ``min_size`` become -1; the rest are numbered by decreasing size."""
    labels = np.asarray(labels, dtype=np.int64)
    out = np.full(labels.shape, -1, dtype=np.int64)
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels.tolist()):
        if lab >= 0:
            groups.setdefault(lab, []).append(i)
    kept = sorted((m for m in groups.values() if len(m) >= min_size), key=lambda m: (-len(m), m[0]))
    for new, members in enumerate(kept):
        out[members] = new
    return out


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as float32 rows of unit length (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2:
        raise ValueError(f"vectors must be a 2-d array (items × dim), got shape {arr.shape}")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return arr / norms


def agglomerative(
    vectors: np.ndarray, *, threshold: float = 0.12, min_size: int = 2, linkage: str = "average"
) -> np.ndarray:
    """Agglomerative clustering cut at cosine distance ``threshold``."""
    from sklearn.cluster import AgglomerativeClustering

    arr = unit_rows(vectors)
    if len(arr) < 2:
        return np.full(len(arr), -1 if min_size > len(arr) else 0, dtype=np.int64)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="cosine", linkage=linkage
    )
    return relabel(model.fit_predict(arr), min_size=min_size)


def hdbscan(
    vectors: np.ndarray, *, min_size: int = 5, min_samples: int | None = None, epsilon: float = 0.0
) -> np.ndarray:
    """HDBSCAN with ``min_cluster_size=min_size`` (noise stays -1)."""
    from sklearn.cluster import HDBSCAN

    arr = unit_rows(vectors)
    if len(arr) < max(min_size, 2):
        return np.full(len(arr), -1, dtype=np.int64)
    model = HDBSCAN(
        min_cluster_size=max(min_size, 2),
        min_samples=min_samples,
        cluster_selection_epsilon=epsilon,
        metric="euclidean",
        copy=True,
    )
    return relabel(model.fit_predict(arr.astype(np.float64)), min_size=min_size)


def community_seeds(
    unit: np.ndarray, *, threshold: float, min_size: int, block: int = _BLOCK
) -> list[np.ndarray]:
    """Per row of the unit vectors ``unit`` (in row order), its neighbours at cosine >= ``threshold``,
    most similar first, when there are at least ``min_size`` of them (the row itself included)."""
    seeds: list[np.ndarray] = []
    for start in range(0, len(unit), block):
        sims = unit[start : start + block] @ unit.T
        for row in range(sims.shape[0]):
            members = np.flatnonzero(sims[row] >= threshold)
            if len(members) >= min_size:
                seeds.append(members[np.argsort(-sims[row, members], kind="stable")])
    return seeds


def take_communities(seeds: Sequence[np.ndarray], n: int, *, min_size: int) -> np.ndarray:
    """Labels of ``n`` items from ``seeds`` taken in order: a seed becomes the next community with
    its members not taken yet, when at least ``min_size`` are left; the rest stay -1."""
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0
    for members in seeds:
        free = members[labels[members] == -1]
        if len(free) >= min_size:
            labels[free] = next_label
            next_label += 1
    return labels


def community(vectors: np.ndarray, *, threshold: float = 0.9, min_size: int = 5) -> np.ndarray:
    """Community detection over the cosine-similarity graph (sentence-transformers' algorithm)."""
    arr = unit_rows(vectors)
    seeds = community_seeds(arr, threshold=threshold, min_size=min_size)
    seeds.sort(key=lambda m: (-len(m), int(m[0])))
    return relabel(take_communities(seeds, len(arr), min_size=min_size), min_size=min_size)


def cluster(vectors: np.ndarray, method: str = "agglomerative", **params: Any) -> np.ndarray:
    """Labels (``-1`` = noise) of ``vectors`` by ``method``; see the module docstring for params."""
    funcs: dict[str, Callable[..., np.ndarray]] = {
        "agglomerative": agglomerative,
        "hdbscan": hdbscan,
        "community": community,
    }
    if method not in funcs:
        raise ValueError(f"unknown clustering method {method!r}; use one of {', '.join(METHODS)}")
    try:
        return funcs[method](vectors, **params)
    except TypeError as exc:
        raise ValueError(f"bad parameters for clustering method {method!r}: {exc}") from exc


def unit_mean(rows: np.ndarray) -> np.ndarray:
    """The mean of ``rows`` (taken as they are) scaled to unit length; a zero mean stays zero."""
    mean = rows.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean


def centroid(vectors: np.ndarray) -> np.ndarray:
    """The unit-length mean direction of ``vectors``."""
    return unit_mean(unit_rows(vectors))


def medoid(vectors: np.ndarray) -> int:
    """Row of the member closest (cosine) to the centroid: the cluster's representative item."""
    arr = unit_rows(vectors)
    return int(np.argmax(arr @ centroid(arr)))

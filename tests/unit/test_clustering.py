"""assist.clustering on toy vectors whose answer is known by construction."""

from __future__ import annotations

import numpy as np
import pytest

from assist.clustering import METHODS, centroid, cluster, medoid, relabel


def blobs(
    sizes: tuple[int, ...] = (8, 6, 5), outliers: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Tight groups around orthogonal directions plus scattered outliers (gold -1)."""
    rng = np.random.default_rng(seed)
    dim = 32
    rows, gold = [], []
    for label, size in enumerate(sizes):
        center = np.zeros(dim)
        center[label] = 1.0
        for _ in range(size):
            rows.append(center + rng.normal(0, 0.03, dim))
            gold.append(label)
    for i in range(outliers):
        center = np.zeros(dim)
        center[10 + 3 * i : 13 + 3 * i] = 1.0
        rows.append(center + rng.normal(0, 0.03, dim))
        gold.append(-1)
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), np.asarray(gold)


PARAMS = {
    "agglomerative": {"threshold": 0.2, "min_size": 3},
    "hdbscan": {"min_size": 3},
    "community": {"threshold": 0.8, "min_size": 3},
}


@pytest.mark.parametrize("method", METHODS)
def test_every_method_recovers_the_groups_and_leaves_outliers_as_noise(method: str) -> None:
    vectors, gold = blobs()
    labels = cluster(vectors, method, **PARAMS[method])
    assert labels.shape == gold.shape
    assert set(labels[gold == -1].tolist()) == {-1}
    for group in range(3):  # each gold group is exactly one predicted cluster, numbered by size
        assert set(labels[gold == group].tolist()) == {group}


def test_labels_are_numbered_by_size_and_small_clusters_become_noise() -> None:
    assert relabel(np.array([5, 5, 9, 9, 9, 2, -1]), min_size=2).tolist() == [1, 1, 0, 0, 0, -1, -1]
    assert relabel(np.array([], dtype=np.int64)).tolist() == []


def test_agglomerative_threshold_is_a_cosine_distance() -> None:
    a = np.array([[1.0, 0.0], [0.95, 0.312], [0.0, 1.0]], dtype=np.float32)  # cos(a0, a1) ≈ 0.95
    assert cluster(a, "agglomerative", threshold=0.1, min_size=2).tolist() == [0, 0, -1]
    assert cluster(a, "agglomerative", threshold=0.01, min_size=2).tolist() == [-1, -1, -1]


def test_community_takes_the_biggest_community_first_without_overlap() -> None:
    vectors, gold = blobs(sizes=(6, 4), outliers=0)
    labels = cluster(vectors, "community", threshold=0.8, min_size=4)
    assert labels[gold == 0].tolist() == [0] * 6 and labels[gold == 1].tolist() == [1] * 4


def test_tiny_inputs() -> None:
    one = np.ones((1, 4), dtype=np.float32)
    for method in METHODS:
        assert cluster(one, method, min_size=2).tolist() == [-1]


def test_unknown_method_and_bad_parameters_are_named() -> None:
    vectors, _ = blobs()
    with pytest.raises(ValueError, match="unknown clustering method 'kmeans'"):
        cluster(vectors, "kmeans")
    with pytest.raises(ValueError, match="bad parameters for clustering method 'community'"):
        cluster(vectors, "community", linkage="average")
    with pytest.raises(ValueError, match="2-d array"):
        cluster(np.ones(4), "agglomerative")


def test_centroid_and_medoid() -> None:
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]], dtype=np.float32)
    c = centroid(vectors)
    assert np.isclose(np.linalg.norm(c), 1.0)
    assert medoid(vectors) == 1

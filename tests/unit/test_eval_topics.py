"""eval.topics: the reusable cluster() function and the topics run on a tiny labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from eval.datasets import load_items
from eval.errors import EvalConfigError
from eval.topics import METHODS, cluster, community_detection, run_topics, score_clusters


def _blobs(n_per: int = 12, k: int = 4, dim: int = 24, noise: float = 0.04) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(7)
    centers = rng.normal(size=(k, dim))
    vectors = np.vstack([c + noise * rng.normal(size=(n_per, dim)) for c in centers])
    return vectors, [f"g{i}" for i in range(k) for _ in range(n_per)]


@pytest.mark.parametrize("method", METHODS[1:])
def test_each_method_recovers_separated_groups(method: str) -> None:
    vectors, gold = _blobs()
    labels = cluster(vectors, method)
    scores = score_clusters(gold, labels)
    assert scores["nmi"] == pytest.approx(1.0) and scores["ari"] == pytest.approx(1.0)
    assert scores["clusters"] == 4 and scores["noise_share"] == 0.0


def test_community_detection_matches_sentence_transformers() -> None:
    torch = pytest.importorskip("torch")
    from sentence_transformers.util import community_detection as st_communities

    rng = np.random.default_rng(1)
    vectors, _ = _blobs(n_per=8, k=3, noise=0.6)
    vectors = vectors + 0.1 * rng.normal(size=vectors.shape)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ours = community_detection(vectors, threshold=0.75, min_size=3)
    ref = st_communities(torch.tensor(vectors), threshold=0.75, min_community_size=3)
    assert sorted(sorted(np.flatnonzero(ours == c).tolist()) for c in set(ours.tolist()) if c >= 0) == sorted(
        sorted(c) for c in ref
    )


def test_cluster_rejects_unknown_method_and_params() -> None:
    vectors, _ = _blobs()
    with pytest.raises(EvalConfigError, match="unknown clustering method 'kmeans'"):
        cluster(vectors, "kmeans")
    with pytest.raises(EvalConfigError, match="hdbscan does not take threshold"):
        cluster(vectors, "hdbscan", threshold=0.5)


def test_noise_counts_as_singletons() -> None:
    scores = score_clusters(["a", "a", "b", "b"], np.array([0, 0, -1, -1]))
    assert scores["noise_share"] == 0.5 and scores["clusters"] == 1
    assert scores["homogeneity"] == pytest.approx(1.0) and scores["completeness"] < 1.0


def test_run_topics_on_tiny_labelled_set(tmp_path: Path) -> None:
    rows = [
        {"text": t, "label": lab}
        for lab, texts in {
            "refund": ["환불 언제 되나요", "환불 언제 돼요", "환불 언제쯤 되나요"],
            "delivery": ["배송이 너무 늦어요", "배송이 늦어요 언제 와요", "배송 늦어요"],
            "password": ["비밀번호를 잊어버렸어요", "비밀번호 잊어버렸어요 어떡해요", "비밀번호를 잊었어요"],
        }.items()
        for t in texts
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")
    run = run_topics(
        load_items(path), settings, methods=METHODS, params={"threshold": [0.5, 0.6], "min_cluster_size": [2]}
    )
    names = [r["name"] for r in run.config["runs"]]
    assert names == [
        "product",
        "agglomerative",
        "hdbscan[min_cluster_size=2]",
        "community[threshold=0.5]",
        "community[threshold=0.6]",
    ]
    for name in names:
        assert 0.0 <= run.metrics[f"{name}/nmi"] <= 1.0  # type: ignore[operator]
    assert run.metrics["n_labels"] == 3 and run.primary_metric == "product/nmi"
    assert len(run.figures) == 2

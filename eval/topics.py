"""Recurring-topic clustering of inquiry texts, scored against gold labels.

``product`` (the default) is the drafts feature's own clustering, run through the same functions
with the same settings as ``kms drafts generate`` (:func:`product_topics`:
``assist.drafts.clusters.inquiry_texts`` → ``embed_inquiries`` → ``inquiry_nouns`` →
``find_topics`` with ``DraftSettings().topic_params()``). The three older methods below are kept
for comparison only (``--method agglomerative`` …): the product does not run them.

- ``agglomerative``: cosine distance, average linkage, cut at ``distance_threshold``
  (scikit-learn ``AgglomerativeClustering``).
- ``hdbscan``: scikit-learn ``HDBSCAN`` on the L2-normalised vectors (Euclidean there is a
  monotone function of cosine), ``min_cluster_size`` / ``min_samples``; noise is -1.
- ``community``: sentence-transformers-style community detection in numpy: every point with at
  least ``min_size`` neighbours at cosine ≥ ``threshold`` seeds a community of those neighbours;
  communities are taken largest first, without overlap; unassigned points are -1.

Scoring treats each unassigned (-1) point as its own singleton cluster, and reports the noise
share beside NMI, ARI and V-measure. Texts are embedded as queries (e5 "query: " prefix), as
recommended for symmetric tasks.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from assist.clustering import community_seeds, take_communities
from assist.drafts import clusters
from assist.drafts.config import DraftSettings
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval import plots
from eval.datasets import ItemSet
from eval.errors import EvalConfigError
from eval.kb import open_embedder
from eval.metrics import adjusted_rand_index, normalized_mutual_info, v_measure
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, dataset_fingerprint
from eval.sampling import stratified_sample
from indexes.embedder import Embedder, exact_query_vectors

__all__ = [
    "DEFAULTS",
    "METHODS",
    "cluster",
    "cluster_stats",
    "community_detection",
    "product_topics",
    "run_topics",
    "score_clusters",
]

METHODS = ("product", "agglomerative", "hdbscan", "community")
LEGACY = METHODS[1:]
# Tuned for the bundled e5 model (its cosines are compressed: unrelated inquiries still score
# ~0.8) on 2,000-item samples of banking77 and paraKQC; see eval/README.md for the sweep.
DEFAULTS: dict[str, dict[str, float]] = {
    "product": {},  # DraftSettings (KMS_DRAFTS_*), exactly as the drafts feature runs it
    "agglomerative": {"distance_threshold": 0.10},
    "hdbscan": {"min_cluster_size": 5, "min_samples": 2},
    "community": {"threshold": 0.94, "min_size": 3},
}
_INT_PARAMS = {"min_cluster_size", "min_samples", "min_size"}


def _normalise(vectors: np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms


def community_detection(
    vectors: np.ndarray, *, threshold: float = 0.94, min_size: int = 3, block: int = 1024
) -> np.ndarray:
    """sentence-transformers' order: seeds largest first, ties in row order; labels not renumbered."""
    v = _normalise(vectors)
    seeds = community_seeds(v, threshold=threshold, min_size=min_size, block=block)
    seeds.sort(key=len, reverse=True)
    return take_communities(seeds, len(v), min_size=min_size)


def cluster(vectors: np.ndarray, method: str, **params: float) -> np.ndarray:
    """Cluster labels (-1 = unassigned) for ``vectors`` with one of :data:`METHODS`."""
    if method not in LEGACY:
        raise EvalConfigError(f"unknown clustering method {method!r}; use one of {', '.join(LEGACY)}")
    unknown = set(params) - set(DEFAULTS[method])
    if unknown:
        raise EvalConfigError(
            f"{method} does not take {', '.join(sorted(unknown))}; it takes {', '.join(DEFAULTS[method])}"
        )
    p: dict[str, Any] = {**DEFAULTS[method], **params}
    p = {k: int(v) if k in _INT_PARAMS else float(v) for k, v in p.items()}
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    v = _normalise(vectors)
    if method == "agglomerative":
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=p["distance_threshold"]
        )
        return model.fit_predict(v).astype(np.int64)
    if method == "hdbscan":
        from sklearn.cluster import HDBSCAN

        model = HDBSCAN(
            min_cluster_size=max(2, p["min_cluster_size"]),
            min_samples=max(1, p["min_samples"]),
            metric="euclidean",
            copy=True,
        )
        return model.fit_predict(v).astype(np.int64)
    return community_detection(v, threshold=p["threshold"], min_size=max(1, p["min_size"]))


def product_topics(
    texts: Sequence[str], settings: Settings, embedder: Embedder, config: DraftSettings | None = None
) -> np.ndarray:
    """Topic labels (-1 = none) of ``texts`` by the drafts feature's own code path and settings."""
    config = config or DraftSettings()
    normalised = clusters.inquiry_texts(texts, KnowledgeBase(settings).lexicon)
    vectors = clusters.embed_inquiries(embedder, normalised)
    return clusters.find_topics(vectors, clusters.inquiry_nouns(normalised), config.topic_params())


def _singletons(labels: np.ndarray) -> list[str]:
    return [f"c{x}" if x >= 0 else f"noise{i}" for i, x in enumerate(labels.tolist())]


def cluster_stats(labels: np.ndarray) -> dict[str, float | int]:
    sizes = sorted(Counter(x for x in labels.tolist() if x >= 0).values(), reverse=True)
    n = max(1, len(labels))
    return {
        "clusters": len(sizes),
        "noise_share": float((labels < 0).sum()) / n,
        "size_max": sizes[0] if sizes else 0,
        "size_median": float(statistics.median(sizes)) if sizes else 0.0,
        "size_min": sizes[-1] if sizes else 0,
        "singleton_clusters": sum(1 for s in sizes if s == 1),
    }


def score_clusters(gold: Sequence[str], labels: np.ndarray) -> dict[str, float | int]:
    pred = _singletons(labels)
    homogeneity, completeness, v = v_measure(gold, pred)
    return {
        "nmi": normalized_mutual_info(gold, pred),
        "ari": float(adjusted_rand_index(gold, pred)),
        "v_measure": v,
        "homogeneity": homogeneity,
        "completeness": completeness,
        **cluster_stats(labels),
    }


def expand(
    methods: Sequence[str], params: Mapping[str, Sequence[float]]
) -> list[tuple[str, str, dict[str, float]]]:
    """(name, method, params) for each method × each combination of the values it accepts."""
    for key in params:
        if not any(key in DEFAULTS[m] for m in methods):
            accepted = "; ".join(f"{m}: " + ", ".join(DEFAULTS[m]) for m in methods)
            raise EvalConfigError(f"--param {key}: no chosen method takes it ({accepted})")
    out: list[tuple[str, str, dict[str, float]]] = []
    for method in methods:
        own = {k: list(v) for k, v in params.items() if k in DEFAULTS[method]}
        for combo in itertools.product(*own.values()):
            chosen = dict(zip(own, combo, strict=True))
            suffix = ",".join(f"{k}={v:g}" for k, v in chosen.items())
            out.append((f"{method}[{suffix}]" if suffix else method, method, chosen))
    return out


def embed_texts(
    embedder: Embedder, texts: Sequence[str], progress: Progress | None, batch: int = 64
) -> np.ndarray:
    report(progress, "embed", 0, len(texts))
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(texts), batch):
        part = list(texts[start : start + batch])
        out[start : start + len(part)] = exact_query_vectors(embedder, part)  # as the drafts cluster
        report(progress, "embed", len(part))
    return out


def run_topics(
    items: ItemSet,
    settings: Settings,
    *,
    methods: Sequence[str] = ("product",),
    params: Mapping[str, Sequence[float]] | None = None,
    limit: int | None = None,
    seed: int = 0,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    for m in methods:
        if m not in METHODS:
            raise EvalConfigError(f"--method: unknown method {m!r}; use one of {', '.join(METHODS)} or all")
    runs = expand(methods, params or {})
    keep = stratified_sample(items.labels, limit, seed)
    texts, gold = [items.texts[i] for i in keep], [items.labels[i] for i in keep]
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    embedder = open_embedder(settings, cache_dir)
    legacy = any(m != "product" for _, m, _ in runs)
    vectors = embed_texts(embedder, texts, progress) if legacy else np.zeros((0, 0), dtype=np.float32)
    flush = getattr(embedder, "flush", None)
    if flush:
        flush()
    timings["embed"] = time.perf_counter() - t0
    metrics: dict[str, float | int | None] = {"n_items": len(texts), "n_labels": len(set(gold))}
    sizes: dict[str, list[float]] = {}
    report(progress, "cluster", 0, len(runs))
    for name, method, chosen in runs:
        t0 = time.perf_counter()
        if method == "product":
            labels = product_topics(texts, settings, embedder)
        else:
            labels = cluster(vectors, method, **chosen)
        timings[f"cluster:{name}"] = time.perf_counter() - t0
        for key, value in score_clusters(gold, labels).items():
            metrics[f"{name}/{key}"] = value
        sizes[name] = [float(s) for s in Counter(x for x in labels.tolist() if x >= 0).values()]
        report(progress, "cluster", 1)
    names = [r[0] for r in runs]
    notes = list(items.notes)
    if limit is not None and limit < len(items.texts):
        notes.append(f"{len(texts)} of {len(items.texts)} items, stratified by label (seed {seed})")
    notes.append("unassigned (-1) points are scored as singleton clusters")
    if legacy:
        notes.append("agglomerative/hdbscan/community: older eval-only clusterings the product does not run")
    if getattr(embedder, "hits", 0):
        notes.append(f"{embedder.hits:,} vectors came from the embedding cache")  # type: ignore[attr-defined]
    cols = [
        "nmi",
        "ari",
        "v_measure",
        "homogeneity",
        "completeness",
        "clusters",
        "noise_share",
        "size_median",
        "size_max",
    ]
    return EvalRun(
        kind="topics",
        primary_metric=f"{names[0]}/nmi",
        metrics=metrics,
        config={
            "embedder": embedder.model_id,
            "runs": [
                {
                    "name": n,
                    "method": m,
                    "params": asdict(DraftSettings().topic_params())
                    if m == "product"
                    else {**DEFAULTS[m], **p},
                }
                for n, m, p in runs
            ],
            "limit": limit,
            "seed": seed,
        },
        dataset=dataset_fingerprint(items.name, items.files, items=len(texts), labels=len(set(gold))),
        timings_s=timings,
        notes=notes,
        tables=[
            Table(
                "방법별 군집 품질 (Clustering quality per method)",
                [
                    "방법 (method)",
                    "NMI",
                    "ARI",
                    "V-측도 (V)",
                    "동질성 (hom.)",
                    "완전성 (compl.)",
                    "군집 수 (clusters)",
                    "미배정 (noise)",
                    "중앙 크기 (median size)",
                    "최대 크기 (max size)",
                    "시간 (s)",
                ],
                [[n, *(metrics.get(f"{n}/{c}") for c in cols), timings[f"cluster:{n}"]] for n in names],
                note=f"정답 레이블 수 (gold labels): {len(set(gold))}",
            )
        ],
        figures=[
            Figure(
                "방법별 지표 (Metrics per method)",
                plots.bars(
                    {n: {m: metrics.get(f"{n}/{m}") for m in ("nmi", "ari", "v_measure")} for n in names},
                    "Clustering vs gold labels",
                ),
            ),
            Figure(
                "군집 크기 분포 (Cluster size distribution)",
                plots.histogram(sizes, "Cluster sizes", "items per cluster", bins=30),
            ),
        ],
    )

"""Retrieval quality: Recall@1/5/10, MRR@10 and nDCG@10 for dense-only, BM25-only and hybrid search
(and any fusion/weight sweep) over one index built once, with per-query ranks.

Every query is embedded once and its vector re-used for every configuration, so a sweep costs a
few milliseconds per configuration and query. Ranks come from ``HybridIndex.search`` (documents
ranked by their best chunk), the same path the product serves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import Settings
from eval import plots
from eval.datasets import Query, RetrievalSet
from eval.errors import EvalConfigError
from eval.kb import build_index, corpus_chunks, open_embedder, strip_doc_prefix
from eval.metrics import first_relevant_rank, mean, ndcg_at_k, percentiles, recall_at_k, reciprocal_rank
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, retrieval_fingerprint
from eval.sampling import sample
from indexes.embedder import Embedder
from indexes.hybrid import HybridIndex, SearchParams

__all__ = [
    "SearchConfig",
    "Searcher",
    "evaluate_retrieval",
    "index_searcher",
    "run_retrieval",
    "search_configs",
]

CUTOFFS = (1, 5, 10)
DEPTH = 50  # documents fetched per query, so first-relevant ranks beyond 10 are still seen
FUSIONS = ("auto", "adaptive", "weighted", "rrf")


@dataclass(frozen=True)
class SearchConfig:
    name: str
    fusion: str
    w_dense: float = 0.5
    w_lexical: float = 0.5


# (query text, query vector or None, configuration, depth) -> ranked doc ids without prefix
Searcher = Callable[[str, np.ndarray | None, SearchConfig, int], list[str]]


def search_configs(
    settings: Settings, *, fusions: Sequence[str] | None = None, weights: Sequence[float] | None = None
) -> list[SearchConfig]:
    """dense, bm25, hybrid (the configured fusion and weights), the other fusions at the configured
    weights (RRF at equal weights), then the sweep; without repeats."""
    for f in fusions or ():
        if f not in FUSIONS:
            raise EvalConfigError(f"--fusions: unknown fusion {f!r}; use {' or '.join(FUSIONS)}")
    for w in weights or ():
        if not 0.0 <= w <= 1.0:
            raise EvalConfigError(f"--weights: dense weight {w} is outside 0..1 (BM25 gets 1 - w)")
    hybrid = SearchConfig("hybrid", settings.fusion, settings.weight_dense, settings.weight_lexical)
    configs = [SearchConfig("dense", "dense"), SearchConfig("bm25", "bm25"), hybrid]
    seen = {(hybrid.fusion, round(hybrid.w_dense, 6), round(hybrid.w_lexical, 6))}
    references = [
        SearchConfig("auto", "auto"),
        SearchConfig("adaptive", "adaptive"),
        SearchConfig("weighted", "weighted", settings.weight_dense, settings.weight_lexical),
        SearchConfig("rrf", "rrf", 1.0, 1.0),
    ]
    for ref in references:
        key = (ref.fusion, round(ref.w_dense, 6), round(ref.w_lexical, 6))
        if ref.fusion != hybrid.fusion and key not in seen:
            seen.add(key)
            configs.append(ref)
    # a weight sweep without --fusions sweeps the configured fusion when it takes weights
    swept = settings.fusion if settings.fusion in ("weighted", "rrf") else "weighted"
    for fusion in fusions or ([swept] if weights else []):
        pairs = (
            [(w, 1.0 - w) for w in weights] if weights else [(settings.weight_dense, settings.weight_lexical)]
        )
        for wd, wl in pairs:
            key = (fusion, round(wd, 6), round(wl, 6))
            if key not in seen:
                seen.add(key)
                configs.append(SearchConfig(f"{fusion}@{wd:g}", fusion, wd, wl))
    return configs


def index_searcher(index: HybridIndex, settings: Settings, **overrides: Any) -> Searcher:
    """Search a :class:`HybridIndex` with the settings' candidates/RRF k and a configuration."""

    def search(text: str, qvec: np.ndarray | None, config: SearchConfig, depth: int) -> list[str]:
        params = SearchParams.from_settings(
            settings,
            k=depth,
            fusion=config.fusion,
            w_dense=config.w_dense,
            w_lexical=config.w_lexical,
            **overrides,
        )
        return [strip_doc_prefix(h.doc_id) for h in index.search(text, params, qvec=qvec)]

    return search


def query_vectors(embedder: Embedder, queries: Sequence[Query], progress: Progress | None) -> np.ndarray:
    report(progress, "queries", 0, len(queries))
    out = np.zeros((len(queries), embedder.dim), dtype=np.float32)
    for start in range(0, len(queries), 64):
        batch = queries[start : start + 64]
        out[start : start + len(batch)] = embedder.embed_queries([q.text for q in batch])
        report(progress, "queries", len(batch))
    return out


def evaluate_retrieval(
    queries: Sequence[Query],
    searcher: Searcher,
    configs: Sequence[SearchConfig],
    *,
    qvecs: np.ndarray | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, float | int | None], list[dict[str, Any]], dict[str, list[float]]]:
    """(flat metrics, per-query rows, search latencies in ms per configuration)."""
    metrics: dict[str, float | int | None] = {"n_queries": len(queries)}
    rows: list[dict[str, Any]] = [
        {"qid": q.qid, "query": q.text, "gold": sorted(q.gold), "first_rank": {}, "top": {}} for q in queries
    ]
    latencies: dict[str, list[float]] = {}
    report(progress, "search", 0, len(queries) * len(configs))
    for config in configs:
        scores: dict[str, list[float]] = {f"recall@{k}": [] for k in CUTOFFS}
        scores |= {"mrr@10": [], "ndcg@10": []}
        times: list[float] = []
        for i, q in enumerate(queries):
            qvec = qvecs[i] if qvecs is not None and config.fusion != "bm25" else None
            t0 = time.perf_counter()
            ranked = searcher(q.text, qvec, config, DEPTH)
            times.append((time.perf_counter() - t0) * 1000)
            for k in CUTOFFS:
                scores[f"recall@{k}"].append(recall_at_k(ranked, q.gold, k))
            scores["mrr@10"].append(reciprocal_rank(ranked, q.gold, 10))
            scores["ndcg@10"].append(ndcg_at_k(ranked, q.gold, 10))
            rows[i]["first_rank"][config.name] = first_relevant_rank(ranked, q.gold)
            rows[i]["top"][config.name] = ranked[:3]
            report(progress, "search", 1)
        for name, values in scores.items():
            metrics[f"{config.name}/{name}"] = mean(values)
        metrics[f"{config.name}/search_ms_p50"] = percentiles(times)["p50"]
        latencies[config.name] = times
    return metrics, rows, latencies


def best_config(metrics: dict[str, float | int | None], configs: Sequence[SearchConfig], metric: str) -> str:
    return max(configs, key=lambda c: (metrics.get(f"{c.name}/{metric}") or 0.0, -configs.index(c))).name


def run_retrieval(
    rset: RetrievalSet,
    settings: Settings,
    *,
    fusions: Sequence[str] | None = None,
    weights: Sequence[float] | None = None,
    limit: int | None = None,
    seed: int = 0,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    """Build a throwaway index of the corpus and evaluate every configuration on the queries."""
    timings: dict[str, float] = {}
    configs = search_configs(settings, fusions=fusions, weights=weights)
    usable = [q for q in rset.queries if q.in_scope and q.gold]
    skipped = len(rset.queries) - len(usable)
    queries = [usable[i] for i in sample(len(usable), limit, seed)]
    t0 = time.perf_counter()
    embedder = open_embedder(settings, cache_dir)
    chunks = corpus_chunks(
        rset.corpus, max_chars=settings.chunk_max_chars, overlap=settings.chunk_overlap_sentences
    )
    timings["load_model"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = build_index(chunks, embedder, settings, progress=progress)
    timings["build_index"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    qvecs = query_vectors(index.embedder, queries, progress)
    timings["embed_queries"] = time.perf_counter() - t0
    flush = getattr(index.embedder, "flush", None)
    if flush:
        flush()
    t0 = time.perf_counter()
    metrics, rows, latencies = evaluate_retrieval(
        queries, index_searcher(index, settings), configs, qvecs=qvecs, progress=progress
    )
    timings["search"] = time.perf_counter() - t0
    metrics["query_embed_ms"] = timings["embed_queries"] * 1000 / max(1, len(queries))
    best = best_config(metrics, configs, "ndcg@10")
    notes = list(rset.notes)
    if skipped:
        notes.append(f"{skipped} quer(ies) without gold documents (or out of scope) were not scored")
    if limit is not None and limit < len(usable):
        notes.append(f"{len(queries)} of {len(usable)} queries sampled (seed {seed})")
    notes.append(f"best configuration by nDCG@10: {best}")
    hits = getattr(index.embedder, "hits", 0)
    if hits:
        notes.append(
            f"{hits:,} vectors came from the embedding cache: embedding timings are not representative"
        )
    single = max(("dense", "bm25"), key=lambda n: metrics.get(f"{n}/ndcg@10") or 0.0)
    if (metrics.get("hybrid/ndcg@10") or 0.0) <= (metrics.get(f"{single}/ndcg@10") or 0.0):
        notes.append(f"hybrid is not better than the best single leg ({single}) on nDCG@10")
    return EvalRun(
        kind="retrieval",
        primary_metric="hybrid/ndcg@10",
        metrics=metrics,
        config={
            "embedder": index.embedder.model_id,
            "configurations": [asdict(c) for c in configs],
            "candidates": settings.candidates,
            "rrf_k": settings.rrf_k,
            "depth": DEPTH,
            "chunk_max_chars": settings.chunk_max_chars,
            "chunk_overlap_sentences": settings.chunk_overlap_sentences,
            "limit": limit,
            "seed": seed,
        },
        dataset=retrieval_fingerprint(rset, chunks=len(chunks), queries=len(queries)),
        timings_s=timings,
        notes=notes,
        tables=[_table(metrics, configs, best)],
        figures=_figures(metrics, configs, rows, latencies),
        per_query=rows,
        details={"best_config": best, "best_metric": "ndcg@10"},
    )


_COLUMNS = [
    ("recall@1", "재현율@1 (R@1)"),
    ("recall@5", "재현율@5 (R@5)"),
    ("recall@10", "재현율@10 (R@10)"),
    ("mrr@10", "MRR@10"),
    ("ndcg@10", "nDCG@10"),
    ("search_ms_p50", "검색 p50 (search ms)"),
]


def _table(metrics: dict[str, float | int | None], configs: Sequence[SearchConfig], best: str) -> Table:
    rows = [
        [
            c.name + (" ★" if c.name == best else ""),
            c.fusion,
            c.w_dense if c.fusion in ("weighted", "rrf") else None,
            c.w_lexical if c.fusion in ("weighted", "rrf") else None,
            *(metrics.get(f"{c.name}/{m}") for m, _ in _COLUMNS),
        ]
        for c in configs
    ]
    return Table(
        "구성별 결과 (Results per configuration)",
        ["구성 (config)", "융합 (fusion)", "w_dense", "w_bm25", *(label for _, label in _COLUMNS)],
        rows,
        note="★ = nDCG@10 최고 구성 (best by nDCG@10)",
    )


def _figures(
    metrics: dict[str, float | int | None],
    configs: Sequence[SearchConfig],
    rows: list[dict[str, Any]],
    latencies: dict[str, list[float]],
) -> list[Figure]:
    values = {c.name: {m: metrics.get(f"{c.name}/{m}") for m, _ in _COLUMNS[:5]} for c in configs}
    ranks = {c.name: [r["first_rank"].get(c.name) for r in rows] for c in configs}
    return [
        Figure("구성별 지표 (Metrics per configuration)", plots.bars(values, "Retrieval metrics")),
        Figure(
            "첫 관련 문서 순위 분포 (Rank of the first relevant document)",
            plots.rank_distribution(ranks, "First relevant rank"),
        ),
        Figure(
            "검색 지연 분포 (Search latency, query vector given)",
            plots.histogram(latencies, "Search latency", "ms"),
        ),
    ]

"""Latency and throughput of search and suggestion at growing corpus sizes, in process.

For each size N: the first N chunks of a pool of real text (:mod:`eval.textpool`) are indexed.
Only the first ``embed_max`` chunks get real model vectors (embedding 100k chunks on a laptop CPU
takes hours); the others get random unit vectors, reported as "synthetic vectors beyond N
embedded chunks". Their text and BM25 rows are real, and a search's cost does not depend on the
vector values. Measured per size:

- ingest: real embedding chunks/s (on the embedded part), Kiwi tokenising chunks/s, FAISS and
  BM25 build seconds, and the ingest rate those imply for N chunks;
- per query (sequential, after a warm-up): query embedding alone, hybrid search end to end
  (``HybridIndex.search``, embedding included), search given the query vector, the end-to-end
  search again with FAISS limited to one OpenMP thread (``search_faiss1``, when it has more), and
  ``assist.suggest.suggest`` when that module exists; p50/p95/p99 and queries/s;
- peak RSS of the process so far (``resource.getrusage``).

Nothing here asserts on time; the CLI prints the figures and writes report.json/report.html.
"""

from __future__ import annotations

import importlib
import logging
import os
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import Settings
from core.types import Chunk
from eval.bench_report import bench_run
from eval.cache import CachedEmbedder
from eval.datasets import FileInfo, read_jsonl
from eval.errors import EvalConfigError
from eval.kb import temporary_kb
from eval.metrics import percentiles
from eval.progress import Progress, report
from eval.result import EvalRun
from indexes import store
from indexes.dense import DenseIndex
from indexes.embedder import Embedder, load_embedder
from indexes.hybrid import HybridIndex, SearchParams
from indexes.lexical import LexicalIndex, tokenize_many
from indexes.ranker import ranker_for

__all__ = ["bench_queries", "peak_rss_mb", "run_bench"]

log = logging.getLogger(__name__)
WARMUP = 5


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bench_queries(data_root: Path, n: int, seed: int = 0, extra: Sequence[str] = ()) -> list[str]:
    """Real questions: welfare_qa_ko (Korean) and banking77 test (English), or ``extra``."""
    pool = list(extra)
    for rel, field in (("welfare_qa_ko/queries.jsonl", "question"), ("banking77/queries.jsonl", "text")):
        path = data_root / rel
        if path.is_file():
            pool += [
                str(r[field])
                for _, r in read_jsonl(path)
                if r.get(field) and r.get("split", "test") == "test"
            ]
    if not pool:
        pool = [
            "환불 언제 되나요",
            "배송지를 바꾸고 싶어요",
            "비밀번호를 잊어버렸어요",
            "card payment declined",
        ]
    rng = random.Random(seed)
    return rng.sample(pool, n) if n <= len(pool) else [rng.choice(pool) for _ in range(n)]


def _timed(fn: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    for q in queries[:WARMUP]:
        fn(q)
    out: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _summary(prefix: str, latencies: list[float], metrics: dict[str, float | int | None]) -> None:
    for key, value in percentiles(latencies).items():
        metrics[f"{prefix}_ms_{key}"] = value
    total = sum(latencies) / 1000
    metrics[f"{prefix}_qps"] = len(latencies) / total if total > 0 else None


def _time_queries(
    index: HybridIndex, params: SearchParams, queries: Sequence[str], progress: Progress | None, stage: str
) -> dict[str, list[float]]:
    """Query embedding alone, search end to end, and search given the query vector (with the
    configured fusion, then with each other fusion: ``search_qvec_<fusion>``)."""
    others = [f for f in ("auto", "weighted", "rrf", "adaptive") if f != params.fusion]
    report(progress, stage, 0, (4 + len(others)) * (len(queries) + WARMUP))
    qvecs = {q: index.embedder.embed_queries([q])[0] for q in dict.fromkeys(queries)}

    def embed(q: str) -> object:
        report(progress, stage, 1)
        return index.embedder.embed_queries([q])

    def search(q: str) -> object:
        report(progress, stage, 1)
        return index.search(q, params)

    def search_qvec(q: str) -> object:
        report(progress, stage, 1)
        return index.search(q, params, qvec=qvecs[q])

    import faiss

    out = {
        "query_embed": _timed(embed, queries),
        "search": _timed(search, queries),
        "search_qvec": _timed(search_qvec, queries),
    }
    for fusion in others:
        other = replace(params, fusion=fusion, ranker=params.ranker or ranker_for(None))

        def search_other(q: str, other: SearchParams = other) -> object:
            report(progress, stage, 1)
            return index.search(q, other, qvec=qvecs[q])

        out[f"search_qvec_{fusion}"] = _timed(search_other, queries)
    threads = faiss.omp_get_max_threads()
    if threads > 1:  # the same searches with FAISS on one OpenMP thread, for comparison
        faiss.omp_set_num_threads(1)
        try:
            out["search_faiss1"] = _timed(search, queries)
        finally:
            faiss.omp_set_num_threads(threads)
    return out


def _time_suggest(
    suggest: Callable[..., Any], index: HybridIndex, settings: Settings, queries: Sequence[str]
) -> list[float]:
    with temporary_kb(index, settings) as kb:
        return _timed(lambda q: suggest(kb, q, log=False), queries)


def _suggest_fn() -> Callable[..., Any] | None:
    try:
        return importlib.import_module("assist.suggest").suggest  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return None


def run_bench(
    chunks_pool: Sequence[Chunk],
    sizes: Sequence[int],
    settings: Settings,
    *,
    queries: Sequence[str],
    embed_max: int = 1000,
    seed: int = 0,
    with_suggest: bool = True,
    progress: Progress | None = None,
    source: str = "shared",
    files: Sequence[FileInfo] = (),
    faiss_threads: int | None = None,
    cache_dir: Path | None = None,
) -> EvalRun:
    """Benchmark the first N chunks of ``chunks_pool`` for each N in ``sizes`` (see module doc).

    ``faiss_threads`` sets FAISS's OpenMP thread count for the run (restored afterwards), to
    compare with its default; the value is recorded in the report's config."""
    import faiss

    load_before = os.getloadavg()
    previous = faiss.omp_get_max_threads()
    if faiss_threads:
        faiss.omp_set_num_threads(faiss_threads)
    try:
        run = _run_bench(
            chunks_pool,
            sizes,
            settings,
            queries=queries,
            embed_max=embed_max,
            seed=seed,
            with_suggest=with_suggest,
            progress=progress,
            source=source,
            files=files,
            cache_dir=cache_dir,
        )
    finally:
        faiss.omp_set_num_threads(previous)
    run.config["faiss_threads"] = faiss_threads or previous
    run.config["cpu_count"] = os.cpu_count()
    run.config["load_average_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    return run


def _run_bench(
    chunks_pool: Sequence[Chunk],
    sizes: Sequence[int],
    settings: Settings,
    *,
    queries: Sequence[str],
    embed_max: int,
    seed: int,
    with_suggest: bool,
    progress: Progress | None,
    source: str,
    files: Sequence[FileInfo],
    cache_dir: Path | None,
) -> EvalRun:
    notes: list[str] = []
    if any(s > len(chunks_pool) for s in sizes):
        notes.append(f"the text pool has only {len(chunks_pool):,} distinct chunks: larger sizes were capped")
    sizes = sorted({min(s, len(chunks_pool)) for s in sizes if s > 0})
    if not sizes:
        raise EvalConfigError(
            "no corpus size to benchmark: give --sizes with positive numbers and a non-empty corpus"
        )
    embedder: Embedder = load_embedder(settings)
    embedded = min(embed_max, sizes[-1])
    report(progress, "embed", 0, embedded)
    source_of_vectors: Embedder = CachedEmbedder(embedder, cache_dir) if cache_dir is not None else embedder
    t0 = time.perf_counter()
    real = np.zeros((embedded, embedder.dim), dtype=np.float32)
    for start in range(0, embedded, settings.embed_batch_size):
        part = chunks_pool[start : min(embedded, start + settings.embed_batch_size)]
        real[start : start + len(part)] = source_of_vectors.embed_documents([c.text for c in part])
        report(progress, "embed", len(part))
    embed_s = time.perf_counter() - t0
    embed_rate = embedded / embed_s if embed_s > 0 else None
    if isinstance(source_of_vectors, CachedEmbedder):
        source_of_vectors.flush()
        if source_of_vectors.hits:
            embed_rate = None
            notes.append(
                f"{source_of_vectors.hits:,} chunk vectors came from the embedding cache: "
                "no embedding rate measured (run with --no-cache to measure it)"
            )
    rng = np.random.default_rng(seed)
    synthetic = rng.standard_normal((max(0, sizes[-1] - embedded), embedder.dim)).astype(np.float32)
    synthetic /= np.linalg.norm(synthetic, axis=1, keepdims=True).clip(min=1e-12)
    vectors = np.vstack([real, synthetic])
    if sizes[-1] > embedded:
        notes.append(
            f"synthetic vectors beyond {embedded:,} embedded chunks (random unit vectors; text and "
            "BM25 are real)"
        )
    tokens: list[list[str]] = []
    tokenize_s = 0.0
    tokenize_many(["워밍업 warm-up"])  # load Kiwi outside the timed part
    metrics: dict[str, float | int | None] = {
        "embedded_chunks": embedded,
        "embed_chunks_per_s": embed_rate,
        "n_queries": len(queries),
    }
    lat: dict[str, list[float]] = {}
    suggest = _suggest_fn() if with_suggest else None
    if with_suggest and suggest is None:
        notes.append("assist.suggest is not available: suggestion latency skipped")
    config = store.IndexConfig.from_settings(settings)
    params = SearchParams.from_settings(settings, k=5)
    for size in sizes:
        chunks = list(chunks_pool[:size])
        report(progress, f"tokenise {size:,}", 0, size - len(tokens))
        t0 = time.perf_counter()
        for start in range(len(tokens), size, 2000):
            part = chunks[start : min(size, start + 2000)]
            tokens += tokenize_many([c.text for c in part])
            report(progress, f"tokenise {size:,}", len(part))
        tokenize_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        dense = DenseIndex.build(
            vectors[:size],
            np.array([c.vid for c in chunks], dtype=np.int64),
            embedder.dim,
            config.dense_index,
            hnsw_m=config.hnsw_m,
            ef_search=config.hnsw_ef_search,
            vectors_type=config.dense_vectors,
        )
        faiss_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        lexical = LexicalIndex(tokens[:size], k1=config.bm25_k1, b=config.bm25_b)
        bm25_s = time.perf_counter() - t0
        index = HybridIndex(chunks, dense, lexical, embedder)
        tok_rate = len(tokens) / tokenize_s if tokenize_s > 0 else None
        p = f"n{size}"
        metrics[f"{p}/tokenise_chunks_per_s"] = tok_rate
        metrics[f"{p}/faiss_build_s"] = faiss_s
        metrics[f"{p}/bm25_build_s"] = bm25_s
        per_chunk = (1 / embed_rate if embed_rate else 0) + (1 / tok_rate if tok_rate else 0)
        metrics[f"{p}/ingest_chunks_per_s_est"] = size / (size * per_chunk + faiss_s + bm25_s)
        timed = _time_queries(index, params, queries, progress, f"queries {size:,}")
        if suggest is not None:
            try:
                timed["suggest"] = _time_suggest(suggest, index, settings, queries)
            except Exception as exc:  # report, never hide: suggest is another module's code
                notes.append(f"suggest failed at {size:,} chunks: {type(exc).__name__}: {exc}")
                suggest = None
        for what, values in timed.items():
            lat[f"{p}/{what}"] = values
            _summary(f"{p}/{what}", values, metrics)
        metrics[f"{p}/peak_rss_mb"] = peak_rss_mb()
        metrics[f"{p}/mean_chunk_chars"] = float(np.mean([len(c.text) for c in chunks]))
        del index, dense, lexical
    return bench_run(
        metrics, lat, sizes, notes, settings, embedder, embedded, queries, source, files, embed_s, tokenize_s
    )

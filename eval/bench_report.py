"""The report of a benchmark run: latency and ingest tables, latency histograms (see eval.bench)."""

from __future__ import annotations

from collections.abc import Sequence

from core.settings import Settings
from eval import plots
from eval.datasets import FileInfo
from eval.result import EvalRun, Figure, Table, dataset_fingerprint
from indexes.embedder import Embedder

__all__ = ["bench_run"]


def bench_run(
    metrics: dict[str, float | int | None],
    lat: dict[str, list[float]],
    sizes: Sequence[int],
    notes: list[str],
    settings: Settings,
    embedder: Embedder,
    embedded: int,
    queries: Sequence[str],
    source: str,
    files: Sequence[FileInfo],
    embed_s: float,
    tokenize_s: float,
) -> EvalRun:
    kinds = [
        ("query_embed", "질의 임베딩 (query embedding)"),
        ("search", "하이브리드 검색 (hybrid search)"),
        ("search_qvec", "검색, 벡터 제공 (search, vector given)"),
        ("search_qvec_weighted", "검색, 벡터 제공, 가중 융합 (vector given, weighted fusion)"),
        ("search_qvec_rrf", "검색, 벡터 제공, RRF (vector given, RRF)"),
        ("search_qvec_adaptive", "검색, 벡터 제공, 적응형 융합 (vector given, adaptive fusion)"),
        ("search_faiss1", "하이브리드 검색, FAISS 1스레드 (hybrid search, FAISS 1 thread)"),
        ("suggest", "추천 (suggest)"),
    ]
    rows = []
    for size in sizes:
        for key, name in kinds:
            p = f"n{size}/{key}"
            if f"{p}_ms_p50" in metrics:
                rows.append(
                    [
                        f"{size:,}",
                        name,
                        metrics[f"{p}_ms_p50"],
                        metrics[f"{p}_ms_p95"],
                        metrics[f"{p}_ms_p99"],
                        metrics[f"{p}_qps"],
                    ]
                )
    ingest_rows = [
        [
            f"{s:,}",
            metrics[f"n{s}/tokenise_chunks_per_s"],
            metrics[f"n{s}/faiss_build_s"],
            metrics[f"n{s}/bm25_build_s"],
            metrics[f"n{s}/ingest_chunks_per_s_est"],
            metrics[f"n{s}/peak_rss_mb"],
            metrics[f"n{s}/mean_chunk_chars"],
        ]
        for s in sizes
    ]
    top = sizes[-1]
    return EvalRun(
        kind="bench",
        primary_metric=f"n{top}/search_ms_p95",
        metrics=metrics,
        config={
            "embedder": embedder.model_id,
            "sizes": list(sizes),
            "embedded_chunks": embedded,
            "dense_index": settings.dense_index,
            "fusion": settings.fusion,
            "candidates": settings.candidates,
            "source": source,
            "embed_threads": settings.embed_threads,
        },
        dataset=dataset_fingerprint(source, list(files), chunks=top, queries=len(queries)),
        timings_s={"embed": embed_s, "tokenise": tokenize_s},
        notes=notes,
        tables=[
            Table(
                "지연 시간 (Latency, ms)",
                ["청크 수 (chunks)", "측정 (what)", "p50", "p95", "p99", "처리량 (q/s)"],
                rows,
            ),
            Table(
                "색인 구축 (Ingest)",
                [
                    "청크 수 (chunks)",
                    "토큰화 (tokenise chunks/s)",
                    "FAISS 구축 (s)",
                    "BM25 구축 (s)",
                    "추정 수집 속도 (est. ingest chunks/s)",
                    "최대 RSS (MB)",
                    "평균 길이 (mean chars)",
                ],
                ingest_rows,
                note=f"임베딩 (embedding): {metrics['embed_chunks_per_s'] or 0:.1f} chunks/s "
                f"on {embedded:,} chunks",
            ),
        ],
        figures=[
            Figure(
                f"지연 분포, {s:,} 청크 (Latency histogram, {s:,} chunks)",
                plots.histogram(
                    {k.split("/", 1)[1]: v for k, v in lat.items() if k.startswith(f"n{s}/")},
                    f"Latency at {s:,} chunks",
                    "ms",
                ),
            )
            for s in sizes
        ],
    )

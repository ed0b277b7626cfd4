"""Dense vectors stored as float16 against float32 (``KMS_DENSE_VECTORS``): ranking and speed.

On welfare_qa_ko, parakqc and stackfaq (whole corpora chunked as ``kms eval retrieval`` does,
the bundled model's vectors through the evaluation's embedding cache in ``DATA_DIR/eval-cache``),
the same ``--limit`` queries (seed 0) search a flat FAISS index of each storage, built by the
product's :class:`indexes.dense.DenseIndex`: dense R@5 and MRR@10 (documents ranked by their best
chunk among the top 50), how many of the top 50 chunks agree, and the largest score difference.
Then the time of one query against ``--size`` random unit vectors (one thread, as the server's
FAISS runs), p50/p95 of each storage, interleaved.

    python benchmarks/dense_storage.py --data-dir /tmp/kd-fus --limit 500
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from bench_common import pct

from core.settings import Settings
from eval.adapters import retrieval_dataset
from eval.kb import cache_note, corpus_chunks, open_embedder
from eval.metrics import recall_at_k, reciprocal_rank
from eval.sampling import sample
from indexes.dense import VECTOR_TYPES, DenseIndex

DATASETS = ("welfare_qa_ko", "parakqc", "stackfaq")
TOP = 50


def _doc_ranking(hits: list[tuple[int, float]], chunk_doc: list[str]) -> list[str]:
    return list(dict.fromkeys(chunk_doc[i].removeprefix("doc:") for i, _ in hits))[:10]


def quality(settings: Settings, data_root: Path, limit: int, seed: int) -> None:
    embedder = open_embedder(settings, settings.data_dir / "eval-cache")
    print("| dataset | chunks | queries | vectors | R@5 | MRR@10 | top-50 agreeing | largest score diff |")
    print("|---|---|---|---|---|---|---|---|")
    for name in DATASETS:
        rset = retrieval_dataset(name, data_root)
        chunks = corpus_chunks(rset.corpus, max_chars=settings.chunk_max_chars, overlap=1)
        vecs = embedder.embed_documents([c.text for c in chunks])
        ids = np.arange(len(chunks), dtype=np.int64)
        usable = [q for q in rset.queries if q.in_scope and q.gold]
        queries = [usable[i] for i in sample(len(usable), limit, seed)]
        qvecs = embedder.embed_queries([q.text for q in queries])
        chunk_doc = [c.doc_id for c in chunks]
        hits = {}
        for kind in VECTOR_TYPES:
            index = DenseIndex.build(vecs, ids, vecs.shape[1], vectors_type=kind)
            hits[kind] = [index.search(v, TOP) for v in qvecs]
        agree = np.mean(
            [len({i for i, _ in a} & {i for i, _ in b}) / TOP for a, b in zip(*hits.values(), strict=True)]
        )
        diff = max(
            abs(sa - dict(b)[i]) for a, b in zip(*hits.values(), strict=True) for i, sa in a if i in dict(b)
        )
        for kind in reversed(VECTOR_TYPES):
            ranked = [_doc_ranking(h, chunk_doc) for h in hits[kind]]
            r5 = np.mean([recall_at_k(r, q.gold, 5) for r, q in zip(ranked, queries, strict=True)])
            rr = np.mean([reciprocal_rank(r, q.gold, 10) for r, q in zip(ranked, queries, strict=True)])
            tail = f"{agree:.4f} | {diff:.2e}" if kind == "float16" else " | "
            print(f"| {name} | {len(chunks)} | {len(queries)} | {kind} | {r5:.4f} | {rr:.4f} | {tail} |")
    cache_note(embedder)  # keeps the vectors for the next run (both storages rank the same vectors)


def speed(size: int, dim: int, queries: int) -> None:
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((size, dim), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    noise = 0.1 * rng.standard_normal((queries, dim), dtype=np.float32)
    qs = vecs[rng.choice(size, queries, replace=False)] + noise
    ids = np.arange(size, dtype=np.int64)
    indexes = {kind: DenseIndex.build(vecs, ids, dim, vectors_type=kind) for kind in VECTOR_TYPES}
    times: dict[str, list[float]] = {kind: [] for kind in VECTOR_TYPES}
    for q in qs:
        for kind, index in indexes.items():  # interleaved, so both see the same machine load
            t0 = time.perf_counter()
            index.search(q, TOP)
            times[kind].append((time.perf_counter() - t0) * 1000)
    for kind in reversed(VECTOR_TYPES):
        mb = size * dim * (2 if kind == "float16" else 4) / 2**20
        p50, p95 = pct(times[kind], 0.5), pct(times[kind], 0.95)
        print(f"{size:,} × {dim} {kind}: search p50 {p50:.2f} ms, p95 {p95:.2f} ms, vectors {mb:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=Path(".kms"), help="KMS data dir (model, eval cache)")
    ap.add_argument("--data-root", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--limit", type=int, default=500, help="queries per dataset (deterministic sample)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=100_000, help="vectors of the speed part")
    ap.add_argument("--speed-queries", type=int, default=200)
    args = ap.parse_args()
    settings = Settings(data_dir=args.data_dir)
    quality(settings, args.data_root, args.limit, args.seed)
    speed(args.size, 384, args.speed_queries)


if __name__ == "__main__":
    main()

"""The local backend (FAISS + BM25 postings) against Milvus Lite at scale: build time, query
p50/p95, memory, and how far the two agree.

Synthetic corpus, no model: random unit vectors (dim 384, as multilingual-e5-small) and
Zipf-distributed token lists (20-80 tokens over a 30k vocabulary), two chunks per ticket. Both
backends run the product's full hybrid search (``search_chunks``: both legs, 50 candidates each,
weighted fusion, each candidate's score in the other leg); the query's tokens are given as
space-separated words (Kiwi is patched out: it costs the same on both backends).

* build: local = FAISS (flat, or --local-dense hnsw) + BM25 postings; Milvus = bulk insert + flush
  (its BM25 function and the dense index are built server side).
* memory: each backend is built and queried in a fresh process (Milvus Lite 3 runs inside the
  client's process: no server subprocess): its RSS after the queries and its peak (VmHWM), and the
  growth over the RSS it had with the corpus generated.
* agreement: top-10 overlap of the fused chunk ids between the backends.

    python -m benchmarks.milvus_scale [--n 100000] [--queries 200] [--index IVF_FLAT|HNSW|FLAT] [--nprobe 32]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.bench_common import pct, rss_mb
from core.types import Chunk
from indexes.dense import DenseIndex
from indexes.embedder import HashEmbedder
from indexes.hybrid import HybridIndex, SearchParams
from indexes.lexical import LexicalIndex

DIM = 384


def corpus(n: int, seed: int = 0) -> tuple[list[Chunk], np.ndarray, list[list[str]], list[str]]:
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(30_000)]
    p = 1.0 / np.arange(1, len(vocab) + 1)
    lengths = rng.integers(20, 81, size=n)
    draws = rng.choice(len(vocab), size=int(lengths.sum()), p=p / p.sum())
    tokens, at = [], 0
    for k in lengths.tolist():
        tokens.append([vocab[i] for i in draws[at : at + k]])
        at += k
    chunks = []
    for i, toks in enumerate(tokens):
        doc = f"ticket:T{i // 2}"
        text = " ".join(toks)[:300]
        chunks.append(Chunk(f"{doc}#ticket-{i % 2}", doc, "ticket", f"T{i // 2}", "ticket", text, text[:200]))
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return chunks, vectors, tokens, vocab


def timed(
    search: object, queries: list[tuple[str, np.ndarray]], params: SearchParams
) -> tuple[list[float], list[list[str]]]:
    ms, tops = [], []
    for text, qvec in queries:
        t = time.perf_counter()
        hits = search(text, params, qvec=qvec)  # type: ignore[operator]
        ms.append((time.perf_counter() - t) * 1000)
        tops.append([h.chunk.chunk_id for h in hits[:10]])
    return ms, tops


def line(name: str, build_s: float, ms: list[float], mem: str) -> None:
    p50, p95 = pct(ms, 0.5), pct(ms, 0.95)
    print(
        f"{name:<24} build {build_s:7.1f} s   query p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {mem}", flush=True
    )


def run(args: argparse.Namespace) -> dict[str, object]:
    """Build and query one backend in this process; its figures as a JSON-able dict."""
    import indexes.backends.milvus as milvus_mod
    import indexes.hybrid as hybrid_mod
    from indexes.backends.milvus import MilvusBackend
    from indexes.backends.milvus_config import MilvusConfig

    def split(text: str, *, typos: bool = False) -> list[str]:
        return text.split()

    hybrid_mod.tokenize = split  # type: ignore[assignment]
    milvus_mod.tokenize = split  # type: ignore[assignment]
    chunks, vectors, tokens, vocab = corpus(args.n)
    rng = np.random.default_rng(1)
    qv = rng.standard_normal((args.queries, DIM)).astype(np.float32)
    qv /= np.linalg.norm(qv, axis=1, keepdims=True)
    queries = [(" ".join(vocab[i] for i in rng.integers(5, 5000, size=4)), q) for q in qv]
    weighted = SearchParams(k=10, candidates=50, fusion="weighted")
    rrf = replace(weighted, fusion="rrf", w_dense=1.0, w_lexical=1.0)
    emb = HashEmbedder(DIM)
    emb.model_id = f"synthetic-{DIM}"
    me = os.getpid()
    base = rss_mb(me)
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="kms-milvus-") as tmp:
        t = time.perf_counter()
        if args.backend == "local":
            ids = np.array([c.vid for c in chunks], dtype=np.int64)
            dense = DenseIndex.build(vectors, ids, DIM, args.local_dense)
            index: object = HybridIndex(chunks, dense, LexicalIndex(tokens), emb)
            rrf_search = index.search_chunks  # type: ignore[attr-defined]
        else:
            config = MilvusConfig(uri=str(Path(tmp) / "bench.db"), index_type=args.index, nlist=args.nlist,
                                  nprobe=args.nprobe, timeout_s=120)  # fmt: skip
            backend = MilvusBackend.open(config, emb)
            backend.bulk_load(chunks, vectors, tokens)
            index = backend
            inside = MilvusBackend(backend.client, backend.name, emb, replace(config, fusion="milvus-rrf"))
            rrf_search = inside.search_chunks
        out["build_s"] = time.perf_counter() - t
        index.search_chunks(queries[0][0], weighted, qvec=queries[0][1])  # type: ignore[attr-defined]
        out["ms"], out["tops"] = timed(index.search_chunks, queries, weighted)  # type: ignore[attr-defined]
        out["rrf_ms"], out["rrf_tops"] = timed(rrf_search, queries, rrf)
        out["rss"], out["peak"], out["base"] = rss_mb(me), rss_mb(me, "VmHWM"), base
        if isinstance(index, MilvusBackend):
            out["rows"] = index.count()
            index.close()
    return out


def _print_backend(args: argparse.Namespace, name: str, f: dict[str, Any]) -> None:
    label, rrf_label = {
        "local": (f"local ({args.local_dense})", "local rrf"),
        "milvus": (f"milvus-lite ({args.index})", "milvus-lite RRFRanker"),
    }[name]
    mem = f"RSS {f['rss']:.0f} MB (+{f['rss'] - f['base']:.0f} over the corpus), peak {f['peak']:.0f} MB"
    line(label, f["build_s"], f["ms"], mem)
    line(rrf_label, 0.0, f["rrf_ms"], "(rrf fusion, same index)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="chunks (default 100k; try --n 1000000)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--index", default="IVF_FLAT", help="Milvus dense index: FLAT | IVF_FLAT | HNSW")
    ap.add_argument("--nlist", type=int, default=1024)
    ap.add_argument("--nprobe", type=int, default=32)
    ap.add_argument("--local-dense", default="flat", choices=("flat", "hnsw"))
    ap.add_argument("--backend", default="both", choices=("both", "local", "milvus"))
    ap.add_argument("--out", help=argparse.SUPPRESS)  # a child's figures (JSON)
    args = ap.parse_args()
    if args.backend != "both":
        figures = run(args)
        if args.out:  # a child of the "both" run
            Path(args.out).write_text(json.dumps(figures), encoding="utf-8")
        else:  # run on its own: print its figures (a run of an hour at 1M must not end in nothing)
            _print_backend(args, args.backend, figures)
        return
    print(f"corpus: {args.n} chunks, dim {DIM}, Zipf tokens 20-80/chunk over 30k words; "
          f"{args.queries} queries of 4 tokens, weighted fusion, 50 candidates/leg", flush=True)  # fmt: skip
    got: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="kms-scale-") as tmp:
        for name in ("local", "milvus"):
            out = Path(tmp) / f"{name}.json"
            argv = [a for a in sys.argv[1:] if not a.startswith("--backend")]
            cmd = [
                sys.executable,
                "-m",
                "benchmarks.milvus_scale",
                *argv,
                "--backend",
                name,
                "--out",
                str(out),
            ]
            subprocess.run(cmd, check=True)
            got[name] = json.loads(out.read_text(encoding="utf-8"))
    for name in ("local", "milvus"):
        _print_backend(args, name, got[name])
    for key, label in (("tops", "weighted"), ("rrf_tops", "rrf")):
        pairs = zip(got["milvus"][key], got["local"][key], strict=True)
        overlap = [len(set(a) & set(b)) / max(1, len(b)) for a, b in pairs]
        print(f"top-10 chunk overlap milvus vs local, {label}: mean {float(np.mean(overlap)):.3f}, "
              f"min {min(overlap):.2f} (milvus rows {got['milvus']['rows']})", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

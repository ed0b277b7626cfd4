"""Resolve-like index writes at 100k chunks: the delta segment against the full rebuild it replaced.

Synthetic corpus, no model: random unit vectors (dim 384, as multilingual-e5-small) and random
Zipf-distributed token lists (20-80 tokens, vocabulary 30k), ~300-character texts. Embedding the
new chunk costs the same in both paths and is left out (the hash embedder would hide nothing).

* ``full rebuild`` (before this change, per resolve): BM25 re-indexed over the whole corpus with
  bm25s, then the whole index folder written (chunks, FAISS, tokens, manifest), fsynced and
  swapped; a few repetitions (seconds each).
* ``delta add``: one resolved ticket (2 chunks) appended to the delta log (fsync) and applied to
  the in-memory delta segment (``indexes.compaction.write_ops``), searchable on return.
* ``delta remove``: one existing document dropped (its chunks tombstoned) the same way.
* the BM25 leg alone, bm25s' precomputed scores (before) vs postings with live statistics (now),
  and the FAISS leg alone;
* search with the main segment only vs with the delta and tombstones of all those writes
  (BM25 over 5 query tokens + the dense top 50), and the background compaction.

    python benchmarks/incremental_index.py [--chunks 100000] [--writes 200] [--rebuilds 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import bm25s
import numpy as np
from bench_common import pct

from core.types import Chunk
from indexes import compaction, store
from indexes.dense import DenseIndex
from indexes.embedder import HashEmbedder
from indexes.hybrid import HybridIndex
from indexes.lexical import LexicalIndex
from indexes.segments import DeltaOp

DIM = 384


def line(name: str, ms: list[float]) -> None:
    print(f"{name:<34} n={len(ms):<4} p50 {pct(ms, 0.5):9.1f} ms   p95 {pct(ms, 0.95):9.1f} ms", flush=True)


class Corpus:
    def __init__(self, seed: int, vocab: int = 30_000) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = [f"w{i}" for i in range(vocab)]
        weights = 1.0 / np.arange(1, vocab + 1)
        self.p = weights / weights.sum()
        self.pool: list[int] = []
        self.at = 0

    def tokens(self) -> list[str]:
        n = int(self.rng.integers(20, 81))
        if self.at + n > len(self.pool):  # Zipf draws in bulk (one draw per call is O(vocab))
            self.pool, self.at = self.rng.choice(len(self.words), size=1_000_000, p=self.p).tolist(), 0
        self.at += n
        return [self.words[i] for i in self.pool[self.at - n : self.at]]

    def vectors(self, n: int) -> np.ndarray:
        v = self.rng.standard_normal((n, DIM)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def chunk(self, doc: int, n: int, tokens: list[str]) -> Chunk:
        text = (" ".join(tokens) + " ") * 2
        doc_id = f"ticket:T{doc}"
        return Chunk(f"{doc_id}#ticket-{n}", doc_id, "ticket", f"T{doc}", "ticket", text[:300], text[:200])


def build(corpus: Corpus, n: int) -> tuple[list[Chunk], np.ndarray, list[list[str]]]:
    tokens = [corpus.tokens() for _ in range(n)]
    chunks = [corpus.chunk(i // 2, i % 2, t) for i, t in enumerate(tokens)]
    return chunks, corpus.vectors(n), tokens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--writes", type=int, default=200)
    ap.add_argument("--rebuilds", type=int, default=5)
    args = ap.parse_args()
    corpus = Corpus(0)
    emb = HashEmbedder(DIM)
    emb.model_id = "synthetic-384"
    t0 = time.perf_counter()
    chunks, vectors, tokens = build(corpus, args.chunks)
    ids = np.array([c.vid for c in chunks], dtype=np.int64)
    dense = DenseIndex.build(vectors, ids, DIM, vectors_type=store.IndexConfig().dense_vectors)
    index = HybridIndex(chunks, dense, LexicalIndex(tokens), emb)
    print(f"corpus: {args.chunks} chunks, built in {time.perf_counter() - t0:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="kms-incr-") as tmp:
        root = Path(tmp)
        config = store.IndexConfig()
        folder = store.persist(index, root, config)

        rebuild: list[float] = []
        for i in range(args.rebuilds):  # what every resolve did before: BM25 + whole folder
            new_tokens = [corpus.tokens() for _ in range(2)]
            t = time.perf_counter()
            bm25 = bm25s.BM25(k1=1.2, b=0.75)
            bm25.index([*tokens, *new_tokens], show_progress=False)
            store.persist(index, root, config)
            rebuild.append((time.perf_counter() - t) * 1000)
            print(f"  full rebuild {i + 1}/{args.rebuilds}: {rebuild[-1]:.0f} ms", flush=True)
        folder = store.current_folder(root)
        index = store.load(folder, emb)

        qtokens = [[corpus.words[i] for i in (3, 40, 400, 2000, 9000)] for _ in range(20)]
        queries = corpus.vectors(20)

        def search_ms(ix: HybridIndex) -> list[float]:
            out = []
            for toks, q in zip(qtokens, queries, strict=True):
                t = time.perf_counter()
                ix.segments.lex_scores(toks)
                ix.segments.dense_search(q, 50)
                out.append((time.perf_counter() - t) * 1000)
            return out

        main_only = index
        legs: dict[str, list[float]] = {"bm25s": [], "postings": [], "dense": []}
        for toks, q in zip(qtokens, queries, strict=True):  # each leg alone, main segment only
            t = time.perf_counter()
            bm25.get_scores_from_ids(bm25.get_tokens_ids(toks))
            legs["bm25s"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            index.segments.main.lexical.scores(toks)
            legs["postings"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            index.segments.main.dense.search(q, 50)
            legs["dense"].append((time.perf_counter() - t) * 1000)
        adds: list[float] = []
        for i in range(args.writes):
            new = [corpus.chunk(10_000_000 + i, n, corpus.tokens()) for n in range(2)]
            new_toks = tuple(c.text.split()[:60] for c in new)
            op = DeltaOp((new[0].doc_id,), (), tuple(new), corpus.vectors(2), new_toks)
            t = time.perf_counter()
            index = compaction.write_ops(index, folder, root, [op])
            adds.append((time.perf_counter() - t) * 1000)
        removes: list[float] = []
        for i in range(args.writes):
            op = DeltaOp((f"ticket:T{i * 7}",))
            t = time.perf_counter()
            index = compaction.write_ops(index, folder, root, [op])
            removes.append((time.perf_counter() - t) * 1000)
        search_ms(index)  # the first search after a write builds the version's caches (delta FAISS)
        search_main: list[float] = []
        search_delta: list[float] = []
        for _ in range(3):  # interleaved: the shared machine's load hits both alike
            search_main += search_ms(main_only)
            search_delta += search_ms(index)
        t = time.perf_counter()
        reloaded = store.load(folder, emb)
        reload_s = time.perf_counter() - t
        assert reloaded.pending == index.pending
        t = time.perf_counter()
        done = compaction.compact(index, folder, root, config)
        compact_s = time.perf_counter() - t
        assert done is not None and done[0].pending == 0

    print(f"\nresolve-like writes at {args.chunks} chunks (2 CPU cores shared; embedding excluded)")
    line("full rebuild (before): BM25+folder", rebuild)
    line("delta add (2 chunks, fsync)", adds)
    line("delta remove (1 doc, fsync)", removes)
    line("BM25 leg, bm25s (before)", legs["bm25s"])
    line("BM25 leg, postings (now)", legs["postings"])
    line("dense leg, FAISS top 50", legs["dense"])
    line("search, main only", search_main)
    line(f"search, delta {index.pending} pending", search_delta)
    print(f"load of the folder + its delta log: {reload_s:.2f} s")
    print(f"compaction (build aside + swap, in the background): {compact_s:.1f} s")
    speedup = pct(rebuild, 0.5) / max(pct(adds, 0.5), 1e-9)
    print(f"add p50 speed-up over the full rebuild: {speedup:,.0f}x")


if __name__ == "__main__":
    main()

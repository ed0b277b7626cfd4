"""The serving start-up's answer-sentence warm-up on a large index: what it keeps, stores and costs.

`kms serve` splits, labels and embeds every answer sentence of the articles in a background thread
(``assist.sentence_warmup.warm``) and keeps the vectors in memory and in
``DATA_DIR/cache/sentence-vectors-*.npz``, so questions find them ready and the next start embeds
none again. Run on an index folder built before (e.g. by ``latency.py suggest --sizes 100000``,
``/tmp/kms-bench/kms-100000-flat``); run it twice to see a restart:

    .venv/bin/python benchmarks/sentence_warmup.py --data-dir /tmp/kms-bench/kms-100000-flat --fresh
    .venv/bin/python benchmarks/sentence_warmup.py --data-dir /tmp/kms-bench/kms-100000-flat

Printed: answer sentences, how many were read from the stored vectors and how many embedded, how
many candidate texts were tokenised, the warm-up's seconds, how many of the sentences the in-memory
cache and the stored file hold afterwards, process RSS before and after, then suggestions p50/p95
over ``--queries`` questions asked once each (the first pass, which warm caches serve) with the
share of them that had to embed a sentence, and RSS after them. Times depend on the machine; the
counts do not.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from bench_common import pct, rss_mb
from latency import queries

from assist.knowledge import KnowledgeBase
from assist.sentence_store import load_vectors, store_path, text_key
from assist.sentence_vectors import held_texts
from assist.sentence_warmup import answer_sentence_texts, warm
from assist.suggest import suggest
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a data dir holding a built index")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--fresh", action="store_true", help="delete the stored vectors first (first start)")
    args = parser.parse_args()

    # the start-up `kms serve` runs (index, model, tokenizer), with the sentence warm-up run here
    settings = Settings(data_dir=args.data_dir, embed_threads=2, warm_sentences=False)
    kb = KnowledgeBase(settings)
    kb.warm_up()
    index = kb.index
    store = store_path(settings.data_dir, index.embedder)
    if args.fresh and store.exists():
        store.unlink()
    before = rss_mb()
    t0 = time.perf_counter()
    done = warm(index, store=store)
    seconds = time.perf_counter() - t0
    after = rss_mb()  # before the checks below read the file and copy the cache
    texts = answer_sentence_texts(index)
    in_memory = len(held_texts(index.embedder, texts))
    on_disk = len({text_key(t) for t in texts} & set(load_vectors(store, index.embedder.dim)))
    print(f"answer sentences {done.sentences:,}: {done.stored:,} read from the stored vectors, "
          f"{done.embedded:,} embedded, {done.terms:,} texts tokenised, in {seconds:.1f} s")  # fmt: skip
    print(f"held afterwards: {in_memory:,} in memory, {on_disk:,} in {store.name}")
    print(f"process RSS {before:.1f} MB before, {after:.1f} MB after")

    embedded: list[int] = []
    embed = index.embedder.embed_documents

    def counting(batch: Any) -> Any:
        embedded.append(len(batch))
        return embed(batch)

    index.embedder.embed_documents = counting  # type: ignore[method-assign]
    ms: list[float] = []
    cold = 0
    for q in queries(args.data, args.queries):
        calls = len(embedded)
        t0 = time.perf_counter()
        suggest(kb, q, log=False)
        ms.append((time.perf_counter() - t0) * 1000)
        cold += len(embedded) > calls
    print(f"suggestions, each question once: p50 {pct(ms, 0.50):.2f} ms, p95 {pct(ms, 0.95):.2f} ms, "
          f"max {max(ms):.1f} ms; {cold} of {len(ms)} embedded a sentence; "
          f"process RSS {rss_mb():.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()

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

``--server PORT`` measures the same over HTTP: `kms serve`'s app under uvicorn with the warm-up on
(``KMS_WARM_SENTENCES=true``, its own background thread), waits for the warm-up's log line, then
reads the server's RSS (and peak), asks the questions once and again (POST /v1/suggestions with an
agent key) and reads its RSS again.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
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
    parser.add_argument("--server", type=int, metavar="PORT", help="measure a server on this port instead")
    args = parser.parse_args()
    if args.server:
        server_main(args)
        return

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
    done = warm(index, store=store, lexicon=kb.lexicon)
    seconds = time.perf_counter() - t0
    after = rss_mb()  # before the checks below read the file and copy the cache
    texts = answer_sentence_texts(index, kb.lexicon)
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


def server_main(args: argparse.Namespace) -> None:
    from assist.access import create_key

    settings = Settings(data_dir=args.data_dir, embed_threads=2, warm_sentences=False)
    kb = KnowledgeBase(settings)
    if args.fresh:
        store_path(settings.data_dir, kb.embedder).unlink(missing_ok=True)
    _info, key = create_key(kb.sessions, f"warmup-bench-{time.time():.0f}", ("agent",))
    env = {**os.environ, "KMS_DATA_DIR": str(args.data_dir), "KMS_EMBED_THREADS": "2", "OMP_NUM_THREADS": "2",
           "KMS_WARM_SENTENCES": "true", "OMP_WAIT_POLICY": "PASSIVE"}  # fmt: skip
    # uvicorn as `kms serve` runs it, with the app's INFO lines (the warm-up's) in the log
    code = ("import logging, uvicorn; logging.basicConfig(level=logging.INFO); uvicorn.run("
            f"'assist.api.app:create_app', factory=True, host='127.0.0.1', port={args.server}, "
            "log_level='warning')")  # fmt: skip
    log_path = args.data_dir / "warmup-server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdout=log, stderr=log)
    t0 = time.monotonic()
    headers = {"Authorization": f"Bearer {key}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{args.server}", timeout=60, headers=headers) as client:
            line = _wait_for_warm_up(server, log_path)
            while not _ready(client):  # a small KB's warm-up can end before the port is bound
                time.sleep(0.2)
            print(f"warm-up done at {time.monotonic() - t0:.1f} s: {line}")
            print(f"server RSS after the warm-up {rss_mb(server.pid):.1f} MB "
                  f"(peak {rss_mb(server.pid, 'VmHWM'):.1f} MB)")  # fmt: skip
            qs = queries(args.data, args.queries)
            for name in ("each question once", "the same again"):
                ms = []
                for q in qs:
                    t1 = time.perf_counter()
                    client.post("/v1/suggestions", json={"inquiry": q}).raise_for_status()
                    ms.append((time.perf_counter() - t1) * 1000)
                print(f"HTTP suggestions, {name}: p50 {pct(ms, 0.50):.2f} ms, p95 {pct(ms, 0.95):.2f} ms, "
                      f"max {max(ms):.1f} ms")  # fmt: skip
            rss, peak = rss_mb(server.pid), rss_mb(server.pid, "VmHWM")
            print(f"server RSS after them {rss:.1f} MB (peak {peak:.1f} MB)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _ready(client: httpx.Client) -> bool:
    try:
        return client.get("/readyz").status_code == 200
    except httpx.TransportError:
        return False


def _wait_for_warm_up(server: subprocess.Popen[bytes], log_path: Path) -> str:
    """The warm-up's log line, once the server has written it (a first start that embeds every
    sentence takes ~41 min at 100k chunks)."""
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline and server.poll() is None:
        log = log_path.read_text(errors="replace").splitlines()
        lines = [x for x in log if "answer sentences ready" in x]
        if lines:
            return lines[-1].split(": ", 1)[-1]
        time.sleep(2)
    raise RuntimeError(f"no warm-up line from the server (exit code {server.poll()}); see {log_path}")


if __name__ == "__main__":
    main()

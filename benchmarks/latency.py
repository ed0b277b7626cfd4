"""Latency of the retrieval paths, in one module with one percentile helper and corpus builder.

``answer`` — chatbot answers (``assist.answer.answer_question``, what POST /v1/answer runs) and
suggestions (``assist.suggest.suggest``) in process on the bundled sample KB: p50/p95/mean over the
questions of ``eval/data/sample_kb_safety.jsonl`` after one warm-up pass (``--cold`` skips it;
``--serve-start`` starts as `kms serve` does), and the median of each answer stage. Run it against
another checkout to compare versions in one session:

    python benchmarks/latency.py answer --data-dir /tmp/kms-bench
    PYTHONPATH=/path/to/old/checkout python benchmarks/latency.py answer --data-dir /tmp/kms-bench

``suggest`` — suggestions (``/v1/suggestions``) at 1k, 10k and 100k chunks, on 2 CPU threads: p50/p95
of the query embedding alone, of ``suggest`` in process (with stage medians; then the same queries
again, warm: each answer sentence is embedded on its first use, as the serving warm-up is off in the
first pass) and of sequential POST
/v1/suggestions to ``uvicorn assist.api.app:create_app`` (a separate process; also twice, the
second pass warm), plus peak RSS. The
corpus (``benchmarks/bench_corpus.py``) grows from real text in ../shared/data: the sample KB's
articles, then welfare_qa_ko documents, korean_petitions, welfare_qa_ko and chatbot_data_ko Q/A pairs
and banking77 train queries (tickets), repeated under new ids beyond the unique ones. They are
written as database rows first and the index holds the chunks the product cuts from those rows, so
the server's start-up reconcile finds index and database agreeing and keeps the index (the HTTP leg
refuses to report when the server finds nothing). Only the first ``--real-chunks`` are embedded
with the real model; the rest get random unit vectors (search cost does not depend on vector
values). Queries: held-out welfare questions and banking77 test queries.
``--dense-index hnsw`` measures the approximate FAISS index; ``--omp-wait-policy ACTIVE`` torch's
spinning OpenMP default (`kms serve` sets PASSIVE).

    python benchmarks/latency.py suggest --sizes 1000,10000,100000   # JSON in eval-runs/

``cold`` (code: ``benchmarks/latency_cold.py``) — what a cold process pays: ``store.load`` of an
index folder of ``--chunks`` chunks (synthetic corpus of ``benchmarks/incremental_index.py``:
Zipf tokens over a 30k vocabulary, random unit vectors)
in a fresh process each time, as written now (BM25 postings memory-mapped from the folder's arrays)
and as a folder written before the arrays (``lexical_store`` absent: postings counted from
tokens.jsonl, what every load did before), with each process's RSS after the load; then ``kms
search`` wall time from a cold process on the sample KB in ``--data-dir`` (built first if absent).
``--baseline PATH`` runs another checkout's processes (PYTHONPATH) alternately with this one's and
prints both (wall time, and CPU time, which a busy machine inflates less), and whether the
searches printed the same (``--json``: scores included); give it its own copy of the sample KB
with ``--baseline-data-dir`` when this checkout rewrites the data dir:

    python benchmarks/latency.py cold --chunks 100000 --data-dir /tmp/kms-sample
    git archive HEAD~3 | tar -x -C /tmp/old && python benchmarks/latency.py cold --baseline /tmp/old --json

Percentiles: ``pct`` of ``benchmarks/bench_common.py`` (also used by ``benchmarks/load.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import httpx
import numpy as np
from bench_common import build_sample_kb, pct, rss_mb, summary
from bench_corpus import HOLDOUT, Record, jsonl, records, write_chunk_rows, write_rows
from latency_cold import add_cold_parser, cold_main

from assist.knowledge import KnowledgeBase
from assist.suggest import suggest
from core.settings import Settings
from core.types import Chunk, content_hash
from indexes import store
from indexes.dense import VECTOR_TYPES, DenseIndex
from indexes.hybrid import HybridIndex
from indexes.lexical import LexicalIndex, tokenize_many

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval" / "data" / "sample_kb_safety.jsonl"


def queries(data: Path, n: int) -> list[str]:
    welfare = [r["question"] for r in jsonl(data / "welfare_qa_ko" / "queries.jsonl")[-HOLDOUT:]]
    banking = [r["text"] for r in jsonl(data / "banking77" / "queries.jsonl") if r["split"] == "test"]
    mixed = [q for pair in zip(welfare, banking[: len(welfare)], strict=True) for q in pair]
    return mixed[:n]


def _cached(path: Path, make: Any) -> Any:
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = make()
    path.write_bytes(pickle.dumps(value))
    return value


def vectors_for(chunks: list[Chunk], kb: KnowledgeBase, real: int, work: Path) -> np.ndarray:
    """Real embeddings of the first ``real`` chunks (cached per text), random unit vectors after."""
    cache_file = work / f"vectors-{kb.embedder.model_id.replace(':', '_').replace('/', '_')}.pkl"
    cache: dict[str, np.ndarray] = pickle.loads(cache_file.read_bytes()) if cache_file.exists() else {}
    todo = list(dict.fromkeys(c.text for c in chunks[:real] if c.hash not in cache))
    t0 = time.perf_counter()
    if todo:
        for text, vec in zip(todo, kb.embedder.embed_documents(todo), strict=True):
            cache[content_hash(text)] = vec
        cache_file.write_bytes(pickle.dumps(cache))
    print(f"  real embeddings: {real} chunks, {len(todo)} new ({time.perf_counter() - t0:.1f} s)")
    rng = np.random.default_rng(0)
    tail = rng.standard_normal((len(chunks) - real, kb.embedder.dim)).astype(np.float32)
    tail /= np.linalg.norm(tail, axis=1, keepdims=True)
    head = np.array([cache[c.hash] for c in chunks[:real]], dtype=np.float32).reshape(real, -1)
    return np.vstack([head, tail])


def build(recs: list[Record], settings: Settings, real: int, work: Path) -> tuple[KnowledgeBase, list[Chunk]]:
    """Database rows of ``recs``, then the index of their chunks (what the server's reconcile
    expects), persisted as current, then the chunks table."""
    kb = KnowledgeBase(settings)
    t0 = time.perf_counter()
    chunks = write_rows(settings, recs)
    print(f"  database rows: {len(recs)} records, {len(chunks)} chunks ({time.perf_counter() - t0:.1f} s)")
    vectors = vectors_for(chunks, kb, min(real, len(chunks)), work)
    key = hashlib.sha256("\x00".join(c.text for c in chunks).encode()).hexdigest()[:16]
    t0 = time.perf_counter()
    tokens = _cached(work / f"tokens-{key}.pkl", lambda: tokenize_many([c.text for c in chunks]))
    print(f"  Kiwi tokens: {len(chunks)} chunks ({time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    ids = np.array([c.vid for c in chunks], dtype=np.int64)
    dense = DenseIndex.build(vectors, ids, vectors.shape[1], settings.dense_index, hnsw_m=settings.hnsw_m,
                             ef_search=settings.hnsw_ef_search,
                             vectors_type=settings.dense_vectors)  # fmt: skip
    print(f"  {settings.dense_index} {settings.dense_vectors} dense index: {time.perf_counter() - t0:.1f} s")
    index = HybridIndex(chunks, dense, LexicalIndex(tokens), kb.embedder)
    folder = store.persist(index, settings.index_root, store.IndexConfig.from_settings(settings))
    write_chunk_rows(settings, chunks, folder.name)
    kb.adopt(index, folder)
    return kb, chunks


def bench_inprocess(kb: KnowledgeBase, qs: list[str]) -> tuple[dict[str, Any], dict[str, float]]:
    """Suggestions in process: a first pass over the queries (each answer sentence of a retrieved
    article embedded on first use: the serving warm-up is off here) and a second, warm pass over
    the same queries (what a server answers once its sentence warm-up is done)."""
    for q in qs[:10]:
        suggest(kb, q)
    embed_ms: list[float] = []
    wall_ms: list[float] = []
    stages: dict[str, list[float]] = {}
    for q in qs:
        t0 = time.perf_counter()
        kb.embedder.embed_queries([q])
        embed_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        s = suggest(kb, q)
        wall_ms.append((time.perf_counter() - t0) * 1000)
        for stage, ms in s.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
        stages.setdefault("log (db write)", []).append(wall_ms[-1] - s.timings_ms["total"])
    warm_ms: list[float] = []
    for q in qs:
        t0 = time.perf_counter()
        suggest(kb, q)
        warm_ms.append((time.perf_counter() - t0) * 1000)
    medians = {k: round(statistics.median(v), 2) for k, v in stages.items()}
    return {
        "embed_only_ms": summary(embed_ms),
        "suggest_ms": summary(wall_ms),
        "suggest_warm_ms": summary(warm_ms),
    }, medians


def bench_http(settings: Settings, qs: list[str], port: int, warm_sentences: bool) -> dict[str, Any]:
    """Sequential POST /v1/suggestions to a server on ``settings.data_dir``; timings of every
    request, and how many did not answer 200 (e.g. 503 request_timeout)."""
    from assist.access import create_key

    # every route has an owner role: the benchmark signs its requests with an agent key, as load.py
    _info, key = create_key(KnowledgeBase(settings).sessions, "latency-benchmark", ("agent",))
    headers = {"Authorization": f"Bearer {key}"}
    env = {**os.environ, "KMS_DATA_DIR": str(settings.data_dir), "KMS_EMBEDDER": settings.embedder,
           "KMS_EMBED_THREADS": "2", "OMP_NUM_THREADS": "2",
           "KMS_WARM_SENTENCES": str(warm_sentences).lower()}  # fmt: skip
    cmd = [sys.executable, "-m", "uvicorn", "assist.api.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]  # fmt: skip
    log_path = settings.data_dir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    started = time.monotonic()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, headers=headers) as client:
            deadline = time.monotonic() + 900
            while True:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the API server did not become ready")
                time.sleep(0.2)
            ready_s = round(time.monotonic() - started, 1)
            found = 0
            for q in qs[:10]:
                response = client.post("/v1/suggestions", json={"inquiry": q})
                response.raise_for_status()
                found += bool(response.json()["articles"] or response.json()["tickets"])
            if not found:  # timings of an empty index would look excellent and mean nothing
                raise RuntimeError(
                    "the server found nothing for any warm-up question (did its start-up reconcile "
                    f"empty the index? see {log_path})"
                )
            passes: list[list[float]] = [[], []]  # first pass, then the same queries again (warm)
            failed = 0
            for wall_ms in passes:
                for q in qs:
                    t0 = time.perf_counter()
                    failed += client.post("/v1/suggestions", json={"inquiry": q}).status_code != 200
                    wall_ms.append((time.perf_counter() - t0) * 1000)
        return {"suggest_ms": summary(passes[0]), "suggest_warm_ms": summary(passes[1]), "not_200": failed,
                "ready_s": ready_s, "warm_sentences": warm_sentences,
                "server_peak_rss_mb": round(rss_mb(server.pid, "VmHWM"), 1)}  # fmt: skip
    except httpx.TransportError as exc:
        raise RuntimeError(f"{exc}; server exit code {server.poll()}, log in {log_path}") from exc
    finally:
        server.terminate()
        server.wait(timeout=30)


def answer_main(args: argparse.Namespace) -> None:
    """``answer``: chatbot answers and suggestions in process on the sample KB."""
    import torch

    torch.set_num_threads(2)
    from assist.answer import answer_question

    build_sample_kb(args.data_dir)
    settings = Settings(data_dir=args.data_dir)
    kb = KnowledgeBase(settings)
    questions = [r["question"] for r in jsonl(QUESTIONS)][: args.limit]
    if args.serve_start:
        import threading

        t0 = time.perf_counter()
        kb.warm_up()
        for thread in threading.enumerate():
            if thread.name == "kms-warm-sentences":
                thread.join()
        print(f"start-up warm-up (index, model, answer sentences): {time.perf_counter() - t0:.1f} s")
    answer_question(kb, "환불은 언제 되나요?", log=False)
    if not args.cold:
        for q in questions:
            answer_question(kb, q, log=False)
    answer_ms, suggest_ms = [], []
    stages: dict[str, list[float]] = {}
    for q in questions:
        t0 = time.perf_counter()
        a = answer_question(kb, q, log=False)
        answer_ms.append((time.perf_counter() - t0) * 1000)
        for key, value in a.timings_ms.items():
            stages.setdefault(key, []).append(value)
        t0 = time.perf_counter()
        suggest(kb, q, log=False)
        suggest_ms.append((time.perf_counter() - t0) * 1000)
    for name, values in (("answer", answer_ms), ("suggest", suggest_ms)):
        print(
            f"{name}: n={len(values)} p50={pct(values, 0.50):.1f} ms p95={pct(values, 0.95):.1f} ms "
            f"mean={statistics.fmean(values):.1f} ms"
        )
    medians = ", ".join(f"{k}={statistics.median(v):.1f}" for k, v in stages.items())
    print(f"answer stages (median ms): {medians}")


def suggest_main(args: argparse.Namespace) -> None:
    """``suggest``: suggestions at growing corpus sizes, in process and over HTTP."""
    if os.environ.get("OMP_WAIT_POLICY") != args.omp_wait_policy:
        env = {**os.environ, "OMP_WAIT_POLICY": args.omp_wait_policy}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    import torch

    torch.set_num_threads(2)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "models").mkdir(exist_ok=True)
    qs = queries(args.data, args.queries)
    results: dict[str, Any] = {
        "threads": 2,
        "cpus": os.cpu_count(),
        "omp_wait_policy": args.omp_wait_policy,
        "dense_index": args.dense_index,
        "dense_vectors": args.dense_vectors,
        "load_average_at_start": os.getloadavg(),
        "queries": len(qs),
        "runs": [],
    }
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"== {size:,} chunks")
        data_dir = args.work / f"kms-{size}-{args.dense_index}"
        if data_dir.exists():
            subprocess.run(["rm", "-rf", str(data_dir)], check=True)
        data_dir.mkdir(parents=True)
        (data_dir / "models").symlink_to(args.work / "models", target_is_directory=True)
        settings = Settings(
            data_dir=data_dir, embed_threads=2, dense_index=args.dense_index, dense_vectors=args.dense_vectors
        )
        t0 = time.perf_counter()
        recs, unique = records(args.data, size, settings)
        print(f"  records: {len(recs)}, masked and chunked to fit ({time.perf_counter() - t0:.1f} s)")
        kb, chunks = build(recs, settings, args.real_chunks, args.work)
        inproc, stages = bench_inprocess(kb, qs)
        run: dict[str, Any] = {
            "chunks": len(chunks),
            "records": len(recs),
            "unique_chunks": unique,
            "real_vectors": min(args.real_chunks, len(chunks)),
            "synthetic_vectors": len(chunks) - min(args.real_chunks, len(chunks)),
            "by_type": {t: sum(1 for c in chunks if c.doc_type == t) for t in ("article", "ticket")},
            **inproc,
            "stage_medians_ms": stages,
            "bench_process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "load_average": os.getloadavg(),
        }
        print(
            f"  embed only  p50 {run['embed_only_ms']['p50']:7.2f}  p95 {run['embed_only_ms']['p95']:7.2f} ms"
        )
        print(f"  in-process  p50 {run['suggest_ms']['p50']:7.2f}  p95 {run['suggest_ms']['p95']:7.2f} ms")
        warm = run["suggest_warm_ms"]
        print(f"  ... warm    p50 {warm['p50']:7.2f}  p95 {warm['p95']:7.2f} ms  (the same queries again)")
        print(f"  stage medians (ms): {stages}")
        if not args.no_http:
            try:
                run["http"] = h = bench_http(settings, qs, args.port, args.server_warm_sentences)
                ms, again, warm = h["suggest_ms"], h["suggest_warm_ms"], str(h["warm_sentences"]).lower()
                print(f"  HTTP        p50 {ms['p50']:7.2f}  p95 {ms['p95']:7.2f} ms  "
                      f"(server peak RSS {h['server_peak_rss_mb']} MB; ready after {h['ready_s']} s; "
                      f"{h['not_200']} not 200; KMS_WARM_SENTENCES={warm})")  # fmt: skip
                print(f"  ... warm    p50 {again['p50']:7.2f}  p95 {again['p95']:7.2f} ms  (the same again)")
            except (httpx.HTTPError, RuntimeError) as exc:  # keep the in-process figures
                run["http"] = {"error": str(exc)}
                print(f"  HTTP        failed: {exc}")
        results["runs"].append(run)
    args.out = args.out or ROOT / "eval-runs" / f"suggest-latency-{time.strftime('%Y%m%dT%H%M%S')}.json"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="benchmark", required=True)
    a = sub.add_parser("answer", help="answers and suggestions in process on the sample KB")
    a.add_argument("--data-dir", type=Path, required=True)
    a.add_argument("--limit", type=int, default=150)
    a.add_argument("--cold", action="store_true", help="no warm-up pass")
    a.add_argument(
        "--serve-start",
        action="store_true",
        help="with --cold: start as `kms serve` does (KnowledgeBase.warm_up and its background "
        "sentence warm-up, waited for) before measuring the first questions",
    )
    s = sub.add_parser("suggest", help="suggestions at 1k/10k/100k chunks, in process and over HTTP")
    s.add_argument("--sizes", default="1000,10000,100000")
    s.add_argument("--real-chunks", type=int, default=2000, help="chunks embedded with the real model")
    s.add_argument("--queries", type=int, default=200)
    s.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    s.add_argument("--work", type=Path, default=Path("/tmp/kms-bench"), help="data dirs and caches")
    s.add_argument(
        "--out", type=Path, default=None, help="JSON report (default eval-runs/suggest-latency-<time>.json)"
    )
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--no-http", action="store_true")
    s.add_argument(
        "--server-warm-sentences",
        action="store_true",
        help="start the server with its background answer-sentence warm-up (KMS_WARM_SENTENCES, on in "
        "`kms serve`); off by default, as in the in-process leg: at 10k chunks it embeds ~20k sentences "
        "for many minutes, and requests wait for the embedder meanwhile",
    )
    s.add_argument("--dense-index", choices=["flat", "hnsw"], default="flat", help="KMS_DENSE_INDEX")
    s.add_argument(
        "--dense-vectors",
        choices=list(VECTOR_TYPES),
        default=Settings().dense_vectors,
        help="KMS_DENSE_VECTORS",
    )
    s.add_argument(
        "--omp-wait-policy",
        choices=["PASSIVE", "ACTIVE"],
        default="PASSIVE",
        help="OpenMP idle threads sleep (PASSIVE, what `kms serve` sets) or spin (ACTIVE, the default "
        "of torch's OpenMP); read when OpenMP loads, so the script re-executes itself to apply it",
    )
    add_cold_parser(sub)
    args = parser.parse_args()
    if args.benchmark == "cold":
        cold_main(args)
    elif args.benchmark == "answer":
        answer_main(args)
    else:
        suggest_main(args)


if __name__ == "__main__":
    main()

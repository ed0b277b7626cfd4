"""The bundled embedding model on torch and on ONNX Runtime at fp32, int8 and q4 (and q4 with the
int8-mixed inquiry graph, opt-in), side by side.

Each runtime lives in its own worker process (1 thread), so its load time and memory are its
own. Workers start one after another (load + first query is timed from the worker's first line,
imports included); then the measurements are interleaved, round after round, so a busy machine
slows every runtime alike. Per runtime: query p50 (one inquiry per call, as the product embeds
them), passages/s (≈250-token Korean passages, batches of 8), load + first query, process RSS
at the end, and the least cosine of its vectors against torch's on the same texts.

    python benchmarks/embed_runtime.py --data-dir test-output/eval-sample-kms

Uses the converted model under DATA_DIR/models (and its ONNX exports, made on first use). Never
asserts on wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import rss_mb

ROOT = Path(__file__).resolve().parents[1]
# name: (runtime, passage precision, inquiry graph: KMS_EMBED_QUERY_PRECISION)
RUNTIMES = {
    "torch": ("torch", "fp32", "same"),
    "onnx fp32": ("onnx", "fp32", "same"),
    "onnx int8": ("onnx", "int8", "same"),
    "onnx q4": ("onnx", "q4", "same"),
    "onnx q4 + int8-mixed queries": ("onnx", "q4", "int8-mixed"),
}
PASSAGE_TOKENS = 250
BATCH = 8


def worker(name: str, data_dir: Path) -> None:
    """Serve one runtime: JSON commands on stdin, JSON answers on the original stdout."""
    t0 = time.perf_counter()
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # library chatter (progress bars, prints) goes to stderr, not into the protocol
    from core.settings import Settings
    from indexes.embedder import load_embedder

    runtime, precision, queries = RUNTIMES[name]
    settings = Settings(
        data_dir=data_dir,
        embed_runtime=runtime,
        embed_precision=precision,
        embed_query_precision=queries,  # type: ignore[arg-type]
        embed_threads=1,
    )
    embedder = load_embedder(settings)
    embedder.embed_queries(["환불은 언제 되나요?"])
    ready = {"load_s": time.perf_counter() - t0, "runtime": embedder.runtime, "precision": embedder.precision}
    out.write(json.dumps(ready) + "\n")
    out.flush()
    for line in sys.stdin:
        cmd = json.loads(line)
        answer: dict[str, Any]
        if cmd["op"] == "queries":
            times = []
            for text in cmd["texts"]:
                t = time.perf_counter()
                embedder.embed_queries([text])
                times.append(time.perf_counter() - t)
            answer = {"seconds": times}
        elif cmd["op"] == "passages":
            t = time.perf_counter()
            for i in range(0, len(cmd["texts"]), BATCH):
                embedder.embed_documents(cmd["texts"][i : i + BATCH])
            answer = {"seconds": time.perf_counter() - t, "n": len(cmd["texts"])}
        elif cmd["op"] == "vectors":
            qv = embedder.embed_queries(cmd["queries"])
            pv = np.vstack(
                [
                    embedder.embed_documents(cmd["passages"][i : i + BATCH])
                    for i in range(0, len(cmd["passages"]), BATCH)
                ]
            )
            answer = {"vectors": np.vstack([qv, pv]).tolist()}
        else:  # "end"
            answer = {"rss_mb": rss_mb(), "torch_loaded": "torch" in sys.modules}
        out.write(json.dumps(answer) + "\n")
        out.flush()
        if cmd["op"] == "end":
            return


class _Worker:
    def __init__(self, name: str, data_dir: Path) -> None:
        cmd = [sys.executable, __file__, "--worker", name, "--data-dir", str(data_dir)]
        env = {
            **os.environ,
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
        )
        self.ready = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"worker exited ({self.proc.wait()})")
        return json.loads(line)  # type: ignore[no-any-return]

    def ask(self, **cmd: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        return self._read()


def _texts(data_dir: Path) -> tuple[list[str], list[str]]:
    """Queries (the sample KB's eval questions) and ≈250-token passages built from its answers."""
    from tokenizers import Tokenizer

    from indexes.e5_convert import materialise

    rows = [json.loads(x) for x in (ROOT / "eval/data/sample_kb_eval.jsonl").read_text().splitlines() if x]
    queries = [r["question"] for r in rows]
    tokenizer = Tokenizer.from_file(str(materialise(data_dir / "models") / "tokenizer.json"))
    sentences = [r["reference_answer"] for r in rows if r.get("reference_answer")]
    passages: list[str] = []
    current: list[str] = []
    for i in range(len(sentences) * 4):
        current.append(sentences[i % len(sentences)])
        if len(tokenizer.encode("passage: " + " ".join(current)).ids) >= PASSAGE_TOKENS:
            passages.append(" ".join(current))
            current = []
    return queries, passages[:32]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=Path(".kms"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--worker", choices=sorted(RUNTIMES), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.data_dir)
        return
    queries, passages = _texts(args.data_dir)
    workers = {name: _Worker(name, args.data_dir) for name in RUNTIMES}  # one after another
    q_times: dict[str, list[float]] = {n: [] for n in RUNTIMES}
    p_time = dict.fromkeys(RUNTIMES, 0.0)
    p_count = dict.fromkeys(RUNTIMES, 0)
    per_round = max(1, len(passages) // args.rounds // BATCH) * BATCH
    for r in range(args.rounds):
        chunk = [passages[(r * per_round + i) % len(passages)] for i in range(per_round)]
        for name, w in workers.items():
            q_times[name] += w.ask(op="queries", texts=queries[r :: args.rounds])["seconds"]
            answer = w.ask(op="passages", texts=chunk)
            p_time[name] += answer["seconds"]
            p_count[name] += answer["n"]
    vectors = {
        n: np.array(w.ask(op="vectors", queries=queries, passages=passages)["vectors"])
        for n, w in workers.items()
    }
    ends = {n: w.ask(op="end") for n, w in workers.items()}
    for w in workers.values():
        w.proc.wait()
    print(
        f"{len(queries)} queries × 1, {sum(p_count.values()) // len(RUNTIMES)} passages of "
        f"≥{PASSAGE_TOKENS} tokens in batches of {BATCH}, {args.rounds} interleaved rounds, 1 thread each"
    )
    head = "runtime | query p50 | × torch | passages/s | load + first query | process RSS | min cos vs torch"
    print(f"| {head} | torch loaded |")
    print("|---|---|---|---|---|---|---|---|")
    for name in RUNTIMES:
        cos = (vectors[name] * vectors["torch"]).sum(axis=1).min()
        print(
            f"| {name} | {statistics.median(q_times[name]) * 1000:.1f} ms "
            f"| {statistics.median(q_times[name]) / statistics.median(q_times['torch']):.2f}× "
            f"| {p_count[name] / p_time[name]:.1f} "
            f"| {workers[name].ready['load_s']:.1f} s | {ends[name]['rss_mb']:,.0f} MB | {cos:.4f} "
            f"| {'yes' if ends[name]['torch_loaded'] else 'no'} |"
        )


if __name__ == "__main__":
    main()

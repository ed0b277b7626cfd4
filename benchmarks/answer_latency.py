"""Latency of chatbot answers (`/v1/answer` in process) and suggestions on the bundled sample KB.

Prints p50/p95/mean of ``assist.answer.answer_question`` and ``assist.suggest.suggest`` over the
questions of ``eval/data/sample_kb_safety.jsonl`` (after one warm-up pass over the same questions,
so that caches are warm as in a long-running server; ``--cold`` skips the warm-up), and the
median of each stage the answer reports (embed, dense, bm25, fuse, assess, compose).

Run it against another checkout of the code to compare versions in the same session:

    python benchmarks/answer_latency.py --data-dir /tmp/kms-bench           # this checkout
    PYTHONPATH=/path/to/old/checkout python benchmarks/answer_latency.py --data-dir /tmp/kms-bench

The data dir is built once with the sample KB (``kms init --sample`` equivalent) when missing.
Threads: 2 torch threads and OMP_WAIT_POLICY=PASSIVE, like ``kms serve``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval" / "data" / "sample_kb_safety.jsonl"


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--cold", action="store_true", help="no warm-up pass")
    parser.add_argument(
        "--serve-start",
        action="store_true",
        help="with --cold: start as `kms serve` does (KnowledgeBase.warm_up and its background "
        "sentence warm-up, waited for) before measuring the first questions",
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(2)
    from assist.answer import answer_question
    from assist.knowledge import KnowledgeBase
    from assist.suggest import suggest
    from indexes.settings import Settings

    settings = Settings(data_dir=args.data_dir)
    if not (args.data_dir / "indexes").exists():
        from ingest.pipeline import ingest_paths
        from ingest.sample import sample_paths

        print(f"building the sample KB in {args.data_dir} …", flush=True)
        ingest_paths(sample_paths(), settings)
    kb = KnowledgeBase(settings)
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [r["question"] for r in rows][: args.limit]
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
            f"{name}: n={len(values)} p50={_pct(values, 50):.1f} ms p95={_pct(values, 95):.1f} ms "
            f"mean={statistics.fmean(values):.1f} ms"
        )
    medians = ", ".join(f"{k}={statistics.median(v):.1f}" for k, v in stages.items())
    print(f"answer stages (median ms): {medians}")


if __name__ == "__main__":
    main()

"""Dense-only retrieval quality of the bundled model on ONNX Runtime: int8, q4 and int8-mixed
inquiries (q4 passages, inquiries through the opt-in int8-mixed graph) against fp32.

The rule that picks ``KMS_EMBED_PRECISION``'s default: a precision other than fp32 only if its
dense R@5 and MRR@10 stay within 0.005 of fp32 on welfare_qa_ko, parakqc and stackfaq. Each
precision runs in its own process (1 thread): the whole corpus of each dataset is chunked as
``kms eval retrieval`` does (``eval.kb.corpus_chunks``) and embedded in batches of 32, and the
same ``--limit`` queries (``eval.sampling.sample``, seed 0) are embedded one at a time, as the
product embeds an inquiry. Documents are ranked by their best chunk (exact inner product, as the
flat FAISS index does).

    python benchmarks/embed_precision.py --data-dir test-output/eval-sample-kms --limit 500
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DATASETS = ("welfare_qa_ko", "parakqc", "stackfaq")
# passages' precision, or "int8-mixed": q4 passages, inquiries through the int8-mixed graph (opt-in)
PRECISIONS = ("fp32", "int8", "q4", "int8-mixed")
MAX_DROP = 0.005


def _measure(precision: str, data_dir: Path, data_root: Path, limit: int, seed: int) -> dict[str, object]:
    from core.settings import Settings
    from eval.adapters import retrieval_dataset
    from eval.kb import corpus_chunks
    from eval.metrics import recall_at_k, reciprocal_rank
    from eval.sampling import sample
    from indexes.embedder import load_embedder, query_precision

    mixed = precision == "int8-mixed"
    settings = Settings(
        data_dir=data_dir,
        embed_runtime="onnx",
        embed_precision="q4" if mixed else precision,  # type: ignore[arg-type]
        embed_query_precision="int8-mixed" if mixed else "same",
        embed_threads=1,
    )
    embedder = load_embedder(settings)
    out: dict[str, object] = {
        "precision": embedder.precision,
        "queries": query_precision(embedder),
        "runtime": embedder.runtime,
    }
    for name in DATASETS:
        t0 = time.perf_counter()
        rset = retrieval_dataset(name, data_root)
        chunks = corpus_chunks(rset.corpus, max_chars=settings.chunk_max_chars, overlap=1)
        docs = sorted({c.doc_id for c in chunks})
        doc_pos = {d: i for i, d in enumerate(docs)}
        chunk_doc = np.array([doc_pos[c.doc_id] for c in chunks])
        vecs = np.vstack(
            [
                embedder.embed_documents([c.text for c in chunks[i : i + 32]])
                for i in range(0, len(chunks), 32)
            ]
        )
        usable = [q for q in rset.queries if q.in_scope and q.gold]
        queries = [usable[i] for i in sample(len(usable), limit, seed)]
        r5: list[float] = []
        rr: list[float] = []
        for q in queries:
            scores = vecs @ embedder.embed_queries([q.text])[0]
            best = np.full(len(docs), -np.inf, dtype=np.float32)
            np.maximum.at(best, chunk_doc, scores)
            ranked = [docs[i].removeprefix("doc:") for i in np.argsort(-best, kind="stable")[:10]]
            r5.append(recall_at_k(ranked, q.gold, 5))
            rr.append(reciprocal_rank(ranked, q.gold, 10))
        out[name] = {
            "chunks": len(chunks),
            "queries": len(queries),
            "of_queries": len(usable),
            "r@5": float(np.mean(r5)),
            "mrr@10": float(np.mean(rr)),
            "seconds": round(time.perf_counter() - t0, 1),
        }
        print(f"[{precision}] {name}: {out[name]}", file=sys.stderr, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=Path(".kms"), help="KMS data dir (converted model)")
    ap.add_argument("--data-root", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--limit", type=int, default=500, help="queries per dataset (deterministic sample)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--precision", choices=PRECISIONS, help="measure one precision, print JSON (internal)")
    args = ap.parse_args()
    if args.precision:
        print(json.dumps(_measure(args.precision, args.data_dir, args.data_root, args.limit, args.seed)))
        return
    base = [sys.executable, __file__, "--data-dir", str(args.data_dir), "--data-root", str(args.data_root)]
    base += ["--limit", str(args.limit), "--seed", str(args.seed)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = {
        p: subprocess.Popen([*base, "--precision", p], stdout=subprocess.PIPE, env=env) for p in PRECISIONS
    }
    results = {}
    for p, proc in procs.items():
        stdout, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"{p} run failed ({proc.returncode})")
        results[p] = json.loads(stdout.decode().strip().splitlines()[-1])
    print("| dataset | chunks | queries | precision | R@5 | Δ vs fp32 | MRR@10 | Δ vs fp32 |")
    print("|---|---|---|---|---|---|---|---|")
    worst = dict.fromkeys(PRECISIONS[1:], 0.0)
    for name in DATASETS:
        a = results["fp32"][name]
        print(
            f"| {name} | {a['chunks']} | {a['queries']} of {a['of_queries']} | fp32 | {a['r@5']:.4f} | "
            f"| {a['mrr@10']:.4f} | |"
        )
        for p in PRECISIONS[1:]:
            b = results[p][name]
            d5, dm = b["r@5"] - a["r@5"], b["mrr@10"] - a["mrr@10"]
            worst[p] = min(worst[p], d5, dm)
            print(f"| | | | {p} | {b['r@5']:.4f} | {d5:+.4f} | {b['mrr@10']:.4f} | {dm:+.4f} |")
    for p, drop in worst.items():
        verdict = "within" if drop >= -MAX_DROP else "outside"
        print(f"{p}: largest drop {-drop:.4f}, {verdict} the limit {MAX_DROP}")


if __name__ == "__main__":
    main()

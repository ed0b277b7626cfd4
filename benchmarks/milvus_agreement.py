"""Same answers? The local backend against Milvus Lite on a built index folder and its questions:
R@5, MRR@10 and top-5 document overlap, for the product's weighted and RRF fusion on both backends
and for Milvus's own RRFRanker (``fusion="milvus-rrf"``). The folder's chunks, vectors and tokens
are loaded into Milvus as they are (nothing re-embedded); each query is embedded once.

    python benchmarks/milvus_agreement.py --index FOLDER --questions FILE.jsonl --models DIR [--limit 300]

Questions: JSONL with ``question`` and gold ``doc_ids`` (article ids: the hit ``article:<id>``
counts), or a ``doc_title`` (a hit with that title counts; welfare_qa_ko's queries.jsonl).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.settings import Settings
from indexes import store
from indexes.backends.milvus import MilvusBackend
from indexes.backends.milvus_config import MilvusConfig
from indexes.embedder import load_embedder
from indexes.hybrid import SearchParams


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True, help="a built index folder (manifest.json inside)")
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--models", type=Path, required=True, help="a data dir's models/ folder (the model)")
    ap.add_argument("--limit", type=int, default=300, help="questions, evenly spread over the file")
    ap.add_argument("--milvus-index", default="FLAT")
    args = ap.parse_args()
    rows = [
        json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    rows = [r for r in rows if r.get("doc_ids") or r.get("doc_title")]
    rows = [rows[i] for i in np.linspace(0, len(rows) - 1, min(args.limit, len(rows))).astype(int)]
    with tempfile.TemporaryDirectory(prefix="kms-agree-") as tmp:
        data = Path(tmp) / "kms"
        data.mkdir()
        (data / "models").symlink_to(args.models.resolve(), target_is_directory=True)
        embedder = load_embedder(Settings(data_dir=data))
        local = store.load(args.index, embedder)
        t = time.perf_counter()
        milvus = MilvusBackend.open(
            MilvusConfig(uri=str(Path(tmp) / "m.db"), index_type=args.milvus_index), embedder
        )
        milvus.bulk_load(*local.segments.live())
        print(f"{len(local.chunks)} chunks loaded into Milvus Lite in {time.perf_counter() - t:.1f} s; "
              f"{len(rows)} questions from {args.questions.name}", flush=True)  # fmt: skip
        inside = MilvusBackend(
            milvus.client, milvus.name, embedder, replace(milvus.config, fusion="milvus-rrf")
        )
        qvecs = embedder.embed_queries([r["question"] for r in rows])
        weighted = SearchParams(k=10, fusion="weighted")
        rrf = replace(weighted, fusion="rrf")
        auto = replace(weighted, fusion="auto")
        runs = {
            "local auto (default)": (local, auto),
            "milvus auto (product fusion)": (milvus, auto),
            "local weighted": (local, weighted),
            "milvus weighted (product fusion)": (milvus, weighted),
            "local rrf": (local, rrf),
            "milvus rrf (product fusion)": (milvus, rrf),
            "milvus rrf (Milvus RRFRanker)": (inside, replace(rrf, w_dense=1.0, w_lexical=1.0)),
        }
        ranked: dict[str, list[list[str]]] = {}
        for name, (backend, params) in runs.items():
            out = []
            for r, q in zip(rows, qvecs, strict=True):
                hits = backend.search(r["question"], params, qvec=q)
                out.append([h.title if "doc_title" in r else h.doc_id for h in hits])
            ranked[name] = out
        milvus.close()
    gold = [{r["doc_title"]} if "doc_title" in r else {f"article:{d}" for d in r["doc_ids"]} for r in rows]
    for name, lists in ranked.items():
        r5 = np.mean([bool(set(lst[:5]) & g) for lst, g in zip(lists, gold, strict=True)])
        mrr = np.mean([next((1 / (i + 1) for i, d in enumerate(lst[:10]) if d in g), 0.0)
                       for lst, g in zip(lists, gold, strict=True)])  # fmt: skip
        ref = ranked[
            next(k for k in ("local rrf", "local auto (default)", "local weighted") if k.split()[1] in name)
        ]
        overlap = np.mean(
            [len(set(a[:5]) & set(b[:5])) / max(1, len(set(b[:5]))) for a, b in zip(lists, ref, strict=True)]
        )
        print(
            f"{name:<34} R@5 {r5:.4f}   MRR@10 {mrr:.4f}   top-5 overlap with local {overlap:.3f}", flush=True
        )


if __name__ == "__main__":
    main()

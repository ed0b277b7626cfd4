"""Benchmark: which clustering method (and threshold) finds recurring topics best?

    python -m assist.drafts.bench_clustering [--n 1500] [--cache DIR] [--out results.json]

Labelled sets: three from ``../shared/data`` (real text written by others) -- banking77 test
utterances (77 intents), paraKQC (paraphrase sets of 10) and korean_petitions (17 categories,
title + the first 300 characters) -- and the bundled sample KB's resolved tickets (gold = their
consultation tag). Each is embedded once with the configured model as passages, the way tickets
are indexed, and cached as ``.npy``. Every method × parameter of the grid is scored with
scikit-learn's NMI and ARI against the gold labels, over all items with noise counted as
singletons (so dropping items is not free) and over the clustered items only, with coverage
(share of items clustered). Configurations are ranked by mean ARI; the worst set's clustered ARI
shows which ones collapse. Prints a table and writes JSON; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from assist.clustering import cluster
from core.settings import Settings
from indexes.embedder import load_embedder

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
GRID: dict[str, list[dict[str, Any]]] = {
    "agglomerative": [{"threshold": t} for t in (0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12)]
    + [{"threshold": t, "linkage": "complete"} for t in (0.10, 0.11, 0.12, 0.13, 0.14, 0.16)],
    "hdbscan": [{"min_samples": s} for s in (1, 2, 3, 5, None)],
    "community": [{"threshold": t} for t in (0.88, 0.90, 0.92, 0.93, 0.94, 0.95)],
}


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _stratified(rows: list[dict[str, Any]], key: str, n: int, rng: random.Random) -> list[dict[str, Any]]:
    by: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by[row[key]].append(row)
    per = max(1, n // len(by))
    out = [r for group in by.values() for r in rng.sample(group, min(per, len(group)))]
    return sorted(out, key=lambda r: str(r["id"]))


def load_sets(n: int, seed: int = 13) -> dict[str, tuple[list[str], list[Any]]]:
    """name -> (texts, gold labels), about ``n`` items each."""
    rng = random.Random(seed)
    sets: dict[str, tuple[list[str], list[Any]]] = {}
    banking = [r for r in _rows(DATA / "banking77" / "queries.jsonl") if r["split"] == "test"]
    picked = _stratified(banking, "label", n, rng)
    sets["banking77"] = ([r["text"] for r in picked], [r["label"] for r in picked])
    para = _rows(DATA / "parakqc" / "utterances.jsonl")
    chosen_sets = set(rng.sample(sorted({r["paraphrase_set"] for r in para}), n // 10))
    picked = [r for r in para if r["paraphrase_set"] in chosen_sets]
    sets["parakqc"] = ([r["text"] for r in picked], [r["paraphrase_set"] for r in picked])
    pet = _rows(DATA / "korean_petitions" / "petitions.jsonl")
    picked = sorted(rng.sample(pet, min(n, len(pet))), key=lambda r: str(r["id"]))
    texts = [f"{r['title']}\n{' '.join(r['text'].split())[:300]}" for r in picked]
    sets["korean_petitions"] = (texts, [r["label"] for r in picked])
    sample = sample_tickets()
    if sample:
        sets["sample_kb_tags"] = sample
    return sets


def sample_tickets() -> tuple[list[str], list[Any]] | None:
    """The bundled sample KB's resolved tickets as indexed (chunk text), gold = first tag."""
    from core.masking import mask_record_ticket
    from ingest.sample import SAMPLE_DIR
    from ingest.sources import read_paths
    from ingest.split import chunk_ticket

    path = SAMPLE_DIR / "tickets.csv"
    if not path.exists():
        return None
    texts, gold = [], []
    for ticket in read_paths([path], kind="tickets").tickets:
        if ticket.resolution.strip() and ticket.tags:
            texts.append(chunk_ticket(mask_record_ticket(ticket))[0].text)
            gold.append(ticket.tags[0])
    return texts, gold


def embed_cached(name: str, texts: list[str], settings: Settings, cache: Path) -> np.ndarray:
    embedder = load_embedder(settings)
    slug = embedder.model_id.replace("/", "_").replace(":", "_")
    path = cache / f"{name}-{slug}-{len(texts)}.npy"
    if path.exists():
        return np.load(path)
    vectors = embedder.embed_documents(texts)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def score(labels: np.ndarray, gold: list[Any]) -> dict[str, float]:
    """NMI/ARI over all items with noise as singletons (dropping items is not free), the same over
    the clustered items only, coverage and cluster count."""
    pred = labels.copy()
    noise = pred < 0
    pred[noise] = np.arange(noise.sum()) + (pred.max() + 1 if len(pred) else 0)
    kept = np.flatnonzero(~noise)
    gold_kept = [gold[i] for i in kept]
    return {
        "nmi": round(float(normalized_mutual_info_score(gold, pred)), 4),
        "ari": round(float(adjusted_rand_score(gold, pred)), 4),
        "nmi_clustered": round(float(normalized_mutual_info_score(gold_kept, labels[kept])), 4)
        if len(kept)
        else 0.0,
        "ari_clustered": round(float(adjusted_rand_score(gold_kept, labels[kept])), 4) if len(kept) else 0.0,
        "coverage": round(float((~noise).mean()), 4),
        "clusters": int(labels.max() + 1) if len(labels) else 0,
    }


def run(
    n: int, min_size: int, settings: Settings, cache: Path, log: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for name, (texts, gold) in load_sets(n).items():
        t0 = time.perf_counter()
        vectors = embed_cached(name, texts, settings, cache)
        log(
            f"{name}: {len(texts)} items, {len(set(gold))} gold labels, embedded in "
            f"{time.perf_counter() - t0:.1f}s"
        )
        for method, grid in GRID.items():
            for params in grid:
                t0 = time.perf_counter()
                labels = cluster(vectors, method, min_size=min_size, **params)
                row = {
                    "set": name,
                    "method": method,
                    "params": params,
                    **score(labels, gold),
                    "seconds": round(time.perf_counter() - t0, 2),
                }
                results.append(row)
                log(
                    f"  {method:14s} {json.dumps(params):42s} NMI {row['nmi']:.3f}  ARI {row['ari']:.3f}  "
                    f"| clustered NMI {row['nmi_clustered']:.3f} ARI {row['ari_clustered']:.3f}  "
                    f"cov {row['coverage']:.2f}  k {row['clusters']:4d}"
                )
    return results


def summary(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean scores over the sets per configuration, best ARI (noise as singletons) first: ARI
    rewards pure clusters and punishes leaving recurring items out, which is what gap mining needs
    (NMI with singletons stays high even when nothing is clustered)."""
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in results:
        by[f"{row['method']} {json.dumps(row['params'])}"].append(row)
    metrics = ("nmi", "ari", "nmi_clustered", "ari_clustered", "coverage")
    out = [
        {
            "config": key,
            **{m: round(float(np.mean([r[m] for r in rows])), 4) for m in metrics},
            "worst_ari_clustered": min(r["ari_clustered"] for r in rows),
        }
        for key, rows in by.items()
    ]
    return sorted(out, key=lambda r: -r["ari"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1500, help="items per dataset")
    parser.add_argument("--min-size", type=int, default=5, help="smallest cluster kept")
    parser.add_argument("--cache", type=Path, default=Path(".kms") / "bench-cache")
    parser.add_argument("--data-dir", type=Path, default=Path(".kms"), help="KMS data dir (model)")
    parser.add_argument("--out", type=Path, default=None, help="write results as JSON here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Settings(data_dir=args.data_dir)
    results = run(args.n, args.min_size, settings, args.cache)
    ranking = summary(results)
    print("\nmean over the sets, best ARI first:")
    for row in ranking:
        print(
            f"  {row['config']:58s} NMI {row['nmi']:.3f}  ARI {row['ari']:.3f}  | clustered NMI "
            f"{row['nmi_clustered']:.3f} ARI {row['ari_clustered']:.3f}  cov {row['coverage']:.2f}  "
            f"worst-set clustered ARI {row['worst_ari_clustered']:.3f}"
        )
    if args.out:
        args.out.write_text(json.dumps({"results": results, "ranking": ranking}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""`kms eval fusion`: dense, BM25, fixed weights, RRF, query-weighted and adaptive fusion on every dataset.

Datasets: ``welfare_qa_ko``, ``parakqc``, ``stackfaq``, ``abcd_kb`` (``--data-root``; abcd_kb's
questions are the project's hand-written ``eval/data/abcd_kb/queries.jsonl`` over ABCD's 55
guideline articles), the bundled sample KB (``eval/data/sample_kb_eval.jsonl`` over the
product-ingested sample articles), the sample KB's answer-safety questions and the fresh
support KBs (:mod:`eval.fusion_kbs`: larger hand-labelled sets of the product's own kind of data).

Each public dataset's in-scope queries are split once, by seed: the *test* split (``--limit``
queries, the same ones ``kms eval retrieval --limit N --seed S`` scores) and a disjoint *fit* split
(``--fit-limit`` queries). The adaptive ranker (:mod:`indexes.ranker`) is fitted on fit splits only,
and only on :data:`PUBLIC`'s: the :data:`HELD_OUT` sets (``abcd_kb``) are split the same way but never
fitted on, so the fit data, and a model saved with ``--save``, are what they were without them.

- ``product``: the search the product runs with these settings; ``suggested``: that search with its
  first twenty articles re-ranked by their best sentence (:mod:`assist.sentence_rank`), the five an
  agent sees beside a ticket being the first five of it.
- ``adaptive``: the shipped model, fitted on the fit splits of the three public fit datasets; on
  abcd_kb, the sample KB and the fresh KBs this is fully held out (none of their questions is ever
  fitted on).
- ``adaptive-lodo``: leave one dataset out, fitted on the *other* public datasets' fit splits, so
  the figure on a public dataset says how the method transfers to a corpus it never saw.

The query-weighted fusion (``auto``, :mod:`indexes.fusion_weight`) is fitted the same way, on the
same fit splits: ``auto`` on all three public sets, ``auto-lodo`` without the scored set.

``--save PATH`` writes the shipped adaptive model (with the fit data's fingerprint) there, e.g.
``DATA_DIR/fusion_model.json`` or the bundled ``indexes/data/fusion_model.json``; ``--save-weights
PATH`` the query-weight model (``DATA_DIR/fusion_weight.json`` or ``indexes/data/fusion_weight.json``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assist.sentence_rank import POOL, by_best_sentence
from core.settings import Settings
from eval import plots
from eval.adapters import retrieval_dataset
from eval.datasets import Query, file_info, load_queries
from eval.fusion_fit import fit_weights, weight_rows
from eval.fusion_kbs import article_params, fresh_splits, safety_queries
from eval.fusion_split import Split, query_vector
from eval.kb import build_index, corpus_chunks, open_embedder, strip_doc_prefix
from eval.metrics import mean, ndcg_at_k, percentiles, recall_at_k, reciprocal_rank
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table
from eval.safety import SAFETY_EVAL
from eval.sample import SAMPLE_EVAL, sample_kb
from eval.sampling import sample
from indexes.fusion_weight import WeightModel
from indexes.hybrid import SearchParams, SearchTrace, aggregate
from indexes.ranker import FEATURES, FusionRanker, fit_ranker

__all__ = ["DATASETS", "HELD_OUT", "PUBLIC", "run_fusion"]

PUBLIC = ("welfare_qa_ko", "parakqc", "stackfaq")  # fitted on (their fit splits) and scored
HELD_OUT = ("abcd_kb",)  # split the same way, scored, never fitted on
FRESH = "fresh_kbs"  # the fresh support KBs (fifteen), pooled (eval.fusion_kbs)
DATASETS = (*PUBLIC, *HELD_OUT, "sample_kb", "sample_kb_safety", FRESH)  # the report's order
KOREAN = frozenset({"welfare_qa_ko", "parakqc", "sample_kb", "sample_kb_safety", FRESH})
DEPTH = 50
# "product": what searches run with these settings (``KMS_FUSION`` and the model files the product
# reads: DATA_DIR's, else the bundled ones), not a model fitted in this run
# "suggested": the product's search with its first POOL × 5 articles re-ranked by their best sentence,
# the list an agent sees beside a ticket (assist.suggest, KMS_SENTENCE_RANK)
CONFIGS = (
    "product",
    "suggested",
    "dense",
    "bm25",
    "weighted",
    "rrf",
    "auto",
    "auto-lodo",
    "adaptive",
    "adaptive-lodo",
)
_SHOWN = 5  # articles a suggestion lists
_METRICS = ("recall@1", "recall@5", "mrr@10", "ndcg@10")
_ZERO = FusionRanker([0.0] * len(FEATURES), 0.0, [0.0] * len(FEATURES), [1.0] * len(FEATURES))


def _candidate_rows(split: Split, queries: Sequence[Query]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    xs, ys, sizes = [], [], []
    for q in queries:
        trace = SearchTrace()
        params = split.params(fusion="adaptive", ranker=_ZERO, k=DEPTH)
        hits = split.index.search_chunks(q.text, params, qvec=query_vector(split, q), trace=trace)
        if trace.fusion_features is None or not hits:
            continue
        xs.append(trace.fusion_features)
        ys.append(np.array([strip_doc_prefix(h.chunk.doc_id) in q.gold for h in hits], dtype=int))
        sizes.append(len(hits))
    if not xs:
        return np.zeros((0, len(FEATURES))), np.zeros(0, dtype=int), []
    return np.concatenate(xs), np.concatenate(ys), sizes


def fit_on(
    splits: Sequence[Split], rows: dict[str, tuple[np.ndarray, np.ndarray, list[int]]]
) -> FusionRanker:
    x = np.concatenate([rows[s.name][0] for s in splits])
    y = np.concatenate([rows[s.name][1] for s in splits])
    groups = np.concatenate(
        [
            np.repeat(np.arange(len(rows[s.name][2])) + 100_000 * i, rows[s.name][2])
            for i, s in enumerate(splits)
        ]
    )
    fps = {s.name: s.fingerprint for s in splits}
    digest = hashlib.sha256(repr(sorted((k, sorted(v.items())) for k, v in fps.items())).encode()).hexdigest()
    info = {
        "datasets": {s.name: {"fit_queries": len(s.fit), **s.fingerprint} for s in splits},
        "fingerprint": digest[:16],
        "embedder": splits[0].index.embedder.model_id,
    }
    return fit_ranker(x, y, groups, fit_info=info)


def _evaluate(
    split: Split | Sequence[Split],
    rankers: dict[str, FusionRanker],
    settings: Settings,
    weights: dict[str, WeightModel] | None = None,
) -> tuple[dict[str, float | None], dict[str, list[float]]]:
    """Every configuration's metrics over the test questions of ``split`` (several splits: pooled,
    each question searched in its own split's index)."""
    parts = [split] if isinstance(split, Split) else list(split)
    metrics: dict[str, float | None] = {}
    latency: dict[str, list[float]] = {}
    for config in CONFIGS:
        overrides: dict[str, Any] = {"k": DEPTH, "fusion": config.split("-")[0]}
        if config in ("product", "suggested"):
            overrides = {"k": DEPTH}
        elif config == "weighted":
            overrides |= {"w_dense": settings.weight_dense, "w_lexical": settings.weight_lexical}
        elif config == "rrf":
            overrides |= {"w_dense": 1.0, "w_lexical": 1.0}
        elif config.startswith("adaptive"):
            if config not in rankers:
                continue
            overrides["ranker"] = rankers[config]
        elif config.startswith("auto"):
            if not weights or config not in weights:
                continue
            overrides["weight_model"] = weights[config]
        scores: dict[str, list[float]] = {m: [] for m in _METRICS}
        times: list[float] = []
        for part, q in [(p, q) for p in parts for q in p.test]:
            qvec = query_vector(part, q)
            t0 = time.perf_counter()
            hits = part.index.search_chunks(q.text, part.params(**overrides), qvec=qvec)
            docs = aggregate(hits, k=DEPTH)
            elapsed = time.perf_counter() - t0
            if config == "suggested":
                pool = docs[: POOL * _SHOWN]
                # embedded once untimed first, as the serving warm-up has an index's sentences
                by_best_sentence(pool, part.index, qvec, settings.sentence_rank)
                t1 = time.perf_counter()
                docs = by_best_sentence(pool, part.index, qvec, settings.sentence_rank) + docs[len(pool) :]
                elapsed += time.perf_counter() - t1
            ranked = [strip_doc_prefix(d.doc_id) for d in docs]
            times.append(elapsed * 1000)
            scores["recall@1"].append(recall_at_k(ranked, q.gold, 1))
            scores["recall@5"].append(recall_at_k(ranked, q.gold, 5))
            scores["mrr@10"].append(reciprocal_rank(ranked, q.gold, 10))
            scores["ndcg@10"].append(ndcg_at_k(ranked, q.gold, 10))
        metrics |= {f"{config}/{m}": mean(v) for m, v in scores.items()}
        metrics[f"{config}/search_ms_p50"] = percentiles(times)["p50"]
        latency[config] = times
    return metrics, latency


@contextlib.contextmanager
def _public_split(
    name: str, data_root: Path, settings: Settings, limit: int, fit_limit: int, seed: int, cache: Path | None
) -> Iterator[Split]:
    rset = retrieval_dataset(name, data_root)
    usable = [q for q in rset.queries if q.in_scope and q.gold]
    test_idx = sample(len(usable), limit, seed)
    chosen = set(test_idx)
    rest = [i for i in range(len(usable)) if i not in chosen]
    fit_idx = [rest[i] for i in sample(len(rest), fit_limit, seed + 1)]
    embedder = open_embedder(settings, cache)
    chunks = corpus_chunks(
        rset.corpus, max_chars=settings.chunk_max_chars, overlap=settings.chunk_overlap_sentences
    )
    index = build_index(chunks, embedder, settings)
    _flush(embedder)
    fp = {"files": [f.sha256[:16] for f in rset.files], "documents": len(rset.corpus), "chunks": len(chunks)}
    split = Split(
        name,
        index,
        lambda **o: SearchParams.from_settings(settings, **o),
        [usable[i] for i in test_idx],
        [usable[i] for i in fit_idx],
        fp,
    )
    try:
        yield split
    finally:
        _flush(embedder)


def _flush(embedder: object) -> None:
    flush = getattr(embedder, "flush", None)
    if flush:
        flush()


@contextlib.contextmanager
def _sample_splits(
    settings: Settings, cache: Path | None, progress: Progress | None
) -> Iterator[tuple[Split, Split]]:
    """The sample KB's eval set and its answer-safety set (answerable single-turn rows), one index."""
    queries, info = load_queries(SAMPLE_EVAL)
    safety = safety_queries(SAFETY_EVAL)
    safety_fp = file_info(SAFETY_EVAL, len(safety)).sha256[:16]
    index_cache = cache / "sample-index" if cache is not None else None
    with sample_kb(settings, index_cache=index_cache, progress=progress) as kb:
        test = [q for q in queries if q.in_scope and q.gold]
        docs = len({c.doc_id for c in kb.index.chunks})
        params = functools.partial(article_params, kb)
        fp = {"files": [info.sha256[:16]], "documents": docs}
        yield (
            Split("sample_kb", kb.index, params, test, [], fp),
            Split("sample_kb_safety", kb.index, params, safety, [], {**fp, "files": [safety_fp]}),
        )


def run_fusion(
    settings: Settings,
    data_root: Path,
    *,
    limit: int = 300,
    fit_limit: int = 150,
    seed: int = 0,
    cache_dir: Path | None = None,
    save: Path | None = None,
    save_weights: Path | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    """Fit the adaptive fusion on the public fit splits and score every fusion on every test split."""
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        splits = []
        for name in PUBLIC:
            report(progress, f"index {name}", 0, 1)
            splits.append(
                stack.enter_context(
                    _public_split(name, data_root, settings, limit, fit_limit, seed, cache_dir)
                )
            )
        rows, wrows = {}, {}
        for s in splits:
            report(progress, f"fit rows {s.name}", 0, 1)
            rows[s.name] = _candidate_rows(s, s.fit)
            wrows[s.name] = weight_rows(s, s.fit)
            _flush(s.index.embedder)
        shipped = fit_on(splits, rows)
        if save is not None:
            shipped.save(save)
        shipped_w = fit_weights(splits, wrows, split_seed=seed)
        if save_weights is not None:
            shipped_w.save(save_weights)
        for name in HELD_OUT:
            report(progress, f"index {name}", 0, 1)
            splits.append(
                stack.enter_context(
                    _public_split(name, data_root, settings, limit, fit_limit, seed, cache_dir)
                )
            )
        report(progress, "index sample_kb", 0, 1)
        splits.extend(stack.enter_context(_sample_splits(settings, cache_dir, progress)))
        fresh = stack.enter_context(fresh_splits(settings, cache_dir, progress))
        groups = [(s.name, [s]) for s in splits] + [(FRESH, fresh)]
        metrics: dict[str, float | int | None] = {}
        latencies: dict[str, dict[str, list[float]]] = {}
        for name, group in groups:
            others = [s for s in splits if s.name in PUBLIC and s.name != name]
            lodo = fit_on(others, rows) if name in PUBLIC else shipped
            lodo_w = fit_weights(others, wrows, split_seed=seed) if name in PUBLIC else shipped_w
            m, lat = _evaluate(
                group,
                {"adaptive": shipped, "adaptive-lodo": lodo},
                settings,
                {"auto": shipped_w, "auto-lodo": lodo_w},
            )
            metrics |= {f"{name}/{k}": v for k, v in m.items()}
            metrics[f"{name}/n_queries"] = sum(len(s.test) for s in group)
            latencies[name] = lat
            _flush(group[0].index.embedder)
    names = [name for name, _ in groups]
    fingerprints = {s.name: s.fingerprint for s in [*splits, *fresh]}
    return EvalRun(
        kind="fusion",
        primary_metric="sample_kb/product/ndcg@10",
        metrics=metrics,
        config={
            "limit": limit,
            "fit_limit": fit_limit,
            "seed": seed,
            "candidates": settings.candidates,
            "weights": [settings.weight_dense, settings.weight_lexical],
            "rrf_k": settings.rrf_k,
            "product_fusion": settings.fusion,
            "shipped_model": shipped.to_json(),
            "shipped_weight_model": shipped_w.to_json(),
        },
        dataset={"name": "fusion", "datasets": fingerprints},
        timings_s={"total": time.perf_counter() - t0},
        notes=_notes(metrics, names),
        tables=[_table(metrics, names)],
        figures=_figures(metrics, names, latencies),
    )


def _notes(metrics: dict[str, float | int | None], names: Sequence[str]) -> list[str]:
    notes = [
        "product = the fusion searches run with these settings and the model files the product reads "
        "(DATA_DIR's fitted ones, else the bundled ones); suggested = that search with its first "
        f"{POOL * _SHOWN} articles re-ranked by their best sentence, the list an agent sees "
        "(KMS_SENTENCE_RANK; sentences embedded before the timing, as the serving warm-up does); "
        "the rows below them are fitted in this run",
        "adaptive and auto = fitted on the fit splits of welfare_qa_ko, parakqc and stackfaq (disjoint "
        "from their test splits); adaptive-lodo and auto-lodo = fitted without the dataset they are "
        "scored on; abcd_kb and the support KBs below are never fitted on (their -lodo rows = the "
        "shipped fit)",
        "abcd_kb: hand-written English customer questions (eval/data/abcd_kb/queries.jsonl) over the "
        "55 ABCD agent-guideline articles, one gold article per subflow (two where both answer)",
        "sample_kb_safety: the sample KB's answer-safety set (eval/data/sample_kb_safety.jsonl), its "
        "answerable single-turn questions, gold = the expected article and its alternatives",
        "fresh_kbs: the KBs of eval/data/fresh_kbs, each in its own index, their answerable "
        "single-turn questions pooled",
    ]
    for name in names:
        best_leg = max(
            metrics.get(f"{name}/dense/ndcg@10") or 0.0, metrics.get(f"{name}/bm25/ndcg@10") or 0.0
        )
        for config in (c for c in CONFIGS if c not in ("dense", "bm25")):
            if (metrics.get(f"{name}/{config}/ndcg@10") or 0.0) < best_leg:
                notes.append(f"{name}: {config} is below the best single leg on nDCG@10")
        for config in ("product", "suggested"):
            if name in KOREAN and (metrics.get(f"{name}/{config}/recall@5") or 0.0) < 0.97:
                notes.append(f"{name}: {config} R@5 is below .97")
    return notes


def _table(metrics: dict[str, float | int | None], names: Sequence[str]) -> Table:
    rows = [
        [name, metrics.get(f"{name}/n_queries"), config]
        + [metrics.get(f"{name}/{config}/{m}") for m in (*_METRICS, "search_ms_p50")]
        for name in names
        for config in CONFIGS
    ]
    return Table(
        "데이터셋별 융합 비교 (Fusion per dataset)",
        ["데이터셋 (dataset)", "n", "구성 (config)", "R@1", "R@5", "MRR@10", "nDCG@10", "검색 p50 ms"],
        rows,
        note="test splits only; the query vector is given, so latency is search + fusion",
    )


def _figures(
    metrics: dict[str, float | int | None], names: Sequence[str], latencies: dict[str, dict[str, list[float]]]
) -> list[Figure]:
    figures = [
        Figure(
            f"{name}: 구성별 지표 (metrics per configuration)",
            plots.bars(
                {c: {m: metrics.get(f"{name}/{c}/{m}") for m in _METRICS} for c in CONFIGS}, f"{name}"
            ),
        )
        for name in names
    ]
    configs = ("product", "dense", "bm25", "weighted", "rrf", "auto")
    pooled = {c: [t for n in names for t in latencies[n].get(c, [])] for c in configs}
    figures.append(Figure("검색 지연 (Search latency)", plots.histogram(pooled, "Search latency", "ms")))
    return figures

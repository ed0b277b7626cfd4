"""`kms eval sample`: retrieval, answer and abstention metrics on the bundled sample KB (CI's check).

The sample KB (``ingest.sample.sample_paths()``) is ingested with the product's own pipeline
(:func:`ingest.pipeline.ingest_paths`) into a temporary data directory. Questions come from
``eval/data/sample_kb_eval.jsonl``: gold ``doc_ids`` are article ids, hits are the ``article:<id>``
documents of ``KnowledgeBase.search(..., doc_types={"article"})``; rows with ``"in_scope": false``
are the out-of-scope half of the abstention check.

Embedding the ~700 sample chunks takes minutes on a 2-core CPU, so the built index folder is kept
in ``index_cache`` (default ``DATA_DIR/eval-cache/sample-index``) and copied into the next
temporary data directory before ingesting: the pipeline then re-embeds only chunks whose text
changed (its usual hash-skip), and the result is the same as a fresh build.
"""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval import plots
from eval.abstention import collect_confidences, coverage_figure, summarise
from eval.answers import AnswerFn, default_answer_fn, evaluate_answers
from eval.datasets import FileInfo, Query, file_info, load_queries
from eval.errors import EvalError
from eval.kb import strip_doc_prefix
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, dataset_fingerprint
from eval.retrieval import SearchConfig, evaluate_retrieval, search_configs
from indexes import store

__all__ = ["BASELINE", "SAMPLE_EVAL", "ingested_kb", "kb_searcher", "run_sample", "sample_kb"]

SAMPLE_EVAL = Path(__file__).parent / "data" / "sample_kb_eval.jsonl"
BASELINE = Path(__file__).parent / "baselines" / "sample_kb" / "report.json"


def kb_searcher(kb: KnowledgeBase) -> Any:
    """A :data:`eval.retrieval.Searcher` over the KB's articles, through ``KnowledgeBase.search``."""

    def search(text: str, qvec: Any, config: SearchConfig, depth: int) -> list[str]:
        hits = kb.search(
            text,
            k=depth,
            doc_types={"article"},
            fusion=config.fusion,
            w_dense=config.w_dense,
            w_lexical=config.w_lexical,
        )
        return [strip_doc_prefix(h.doc_id) for h in hits]

    return search


def _seed(cache: Path, index_root: Path) -> None:
    if (cache / store.MANIFEST).is_file():
        index_root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(cache, index_root / cache.name)
        store.swap(index_root, index_root / cache.name)


def _save(index_root: Path, cache: Path) -> None:
    folder = store.current_folder_or_none(index_root)
    if folder is None:
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.parent / f".{cache.name}.{secrets.token_hex(3)}"
    shutil.copytree(folder, tmp)
    old = cache.parent / f".{cache.name}.old-{secrets.token_hex(3)}"
    if cache.exists():
        os.replace(cache, old)
    os.replace(tmp, cache)
    shutil.rmtree(old, ignore_errors=True)


def _ingest(
    settings: Settings,
    data: Path,
    index_cache: Path | None,
    progress: Progress | None,
    *,
    paths: Sequence[Path] | None = None,
    name: str = "the sample KB",
) -> Settings:
    """Ingest ``paths`` (default: the sample KB, with its own colloquial words as `kms init
    --sample` installs them; other articles get the bundled lexicon only) into data dir ``data``."""
    from ingest.pipeline import ingest_paths
    from ingest.sample import SAMPLE_LEXICON, sample_paths

    models = settings.models_dir.resolve()
    models.mkdir(parents=True, exist_ok=True)
    os.symlink(models, data / "models", target_is_directory=True)
    lexicon = SAMPLE_LEXICON if paths is None else None
    local = settings.model_copy(update={"data_dir": data, "database_url": None, "colloquial_file": lexicon})
    if index_cache is not None:
        _seed(index_cache, local.index_root)
    result = ingest_paths(sample_paths() if paths is None else list(paths), local, progress=progress)
    if not result.ok:
        raise EvalError(f"{name} did not ingest cleanly: " + "; ".join(str(i) for i in result.errors[:3]))
    if index_cache is not None:
        _save(local.index_root, index_cache)
    return local


@contextlib.contextmanager
def ingested_kb(
    settings: Settings,
    paths: Sequence[Path] | None,
    *,
    name: str,
    index_cache: Path | None = None,
    progress: Progress | None = None,
) -> Iterator[KnowledgeBase]:
    """Articles ``paths`` (None: the sample KB) ingested by the product pipeline into a temporary
    data dir (index cached)."""
    with tempfile.TemporaryDirectory(prefix="kms-eval-kb-") as tmp:
        data = Path(tmp) / "kms"
        data.mkdir()
        yield KnowledgeBase(_ingest(settings, data, index_cache, progress, paths=paths, name=name))


def sample_kb(
    settings: Settings, *, index_cache: Path | None = None, progress: Progress | None = None
) -> contextlib.AbstractContextManager[KnowledgeBase]:
    """The sample KB ingested by the product pipeline into a temporary data dir (index cached)."""
    return ingested_kb(settings, None, name="the sample KB", index_cache=index_cache, progress=progress)


def run_sample(
    settings: Settings,
    *,
    eval_file: Path = SAMPLE_EVAL,
    answer_fn: AnswerFn | None = None,
    target_far: float = 0.1,
    index_cache: Path | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    answer_fn = answer_fn or default_answer_fn()
    queries, info = load_queries(eval_file)
    in_scope = [q for q in queries if q.in_scope and q.gold]
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with sample_kb(settings, index_cache=index_cache, progress=progress) as kb:
        timings["ingest"] = time.perf_counter() - t0
        local = kb.settings
        articles = {c.doc_id for c in kb.index.chunks if c.doc_type == "article"}
        t0 = time.perf_counter()
        configs = search_configs(local)
        r_metrics, r_rows, _ = evaluate_retrieval(in_scope, kb_searcher(kb), configs, progress=progress)
        timings["retrieval"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        answerable = [q for q in queries if q.in_scope]
        a_metrics, a_rows = evaluate_answers(kb, answerable, answer_fn, progress=progress)
        timings["answers"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        c_rows = collect_confidences(kb, queries, answer_fn, progress=progress)
        x_metrics, points = summarise(c_rows, target_far)
        timings["abstention"] = time.perf_counter() - t0
        embedder_id = kb.embedder.model_id
        chunks = len(kb.index.chunks)
    report(progress, "done", 0)
    unknown = sorted({g for q in in_scope for g in q.gold if f"article:{g}" not in articles})
    metrics: dict[str, float | int | None] = {}
    metrics.update({f"retrieval/{k}": v for k, v in r_metrics.items() if "_ms_" not in k})
    metrics.update({f"answers/{k}": v for k, v in a_metrics.items() if "_ms_" not in k})
    metrics.update({f"abstention/{k}": v for k, v in x_metrics.items()})
    notes = [f"gold article id(s) not in the sample KB: {', '.join(unknown)}"] if unknown else []
    per_query = _merge(queries, r_rows, a_rows, c_rows)
    chosen = x_metrics["recommended_threshold"]
    return EvalRun(
        kind="sample",
        primary_metric="retrieval/hybrid/ndcg@10",
        metrics=metrics,
        config={
            "embedder": embedder_id,
            "configurations": [c.__dict__ for c in configs],
            "target_far": target_far,
            "answer_threshold": getattr(local, "answer_threshold", None),
        },
        dataset=dataset_fingerprint("sample_kb", [info, *_kb_files()], queries=len(queries), chunks=chunks),
        timings_s=timings,
        notes=notes,
        tables=[
            Table(
                "질문별 결과 (Per question)",
                [
                    "qid",
                    "질문 (question)",
                    "범위 (in scope)",
                    "첫 순위 hybrid (rank)",
                    "토큰 F1",
                    "신뢰도 (conf.)",
                ],
                [
                    [
                        r["qid"],
                        r["question"],
                        r["in_scope"],
                        r.get("rank"),
                        r.get("token_f1"),
                        r.get("confidence"),
                    ]
                    for r in per_query
                ],
            )
        ],
        figures=[
            Figure(
                "검색 지표 (Retrieval metrics)",
                plots.bars(
                    {
                        c.name: {
                            m: r_metrics.get(f"{c.name}/{m}")
                            for m in ("recall@1", "recall@5", "mrr@10", "ndcg@10")
                        }
                        for c in configs
                    },
                    "Sample KB retrieval",
                ),
            ),
            coverage_figure(points, chosen),
        ],
        per_query=per_query,
        details={"curve": [p.__dict__ for p in points]},
    )


def _kb_files() -> list[FileInfo]:
    """Fingerprints of the sample KB's files (rows: 1 per article file, records per CSV)."""
    from ingest.sample import sample_paths

    out = []
    for root in sample_paths():
        for path in sorted(root.rglob("*") if root.is_dir() else [root]):
            if not path.is_file():
                continue
            rows = 1
            if path.suffix.lower() == ".csv":
                with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
                    rows = max(0, sum(1 for _ in csv.reader(fh)) - 1)
            out.append(file_info(path, rows))
    return out


def _merge(
    queries: list[Query],
    r_rows: list[dict[str, Any]],
    a_rows: list[dict[str, Any]],
    c_rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    by_r = {r["qid"]: r for r in r_rows}
    by_a = {r["qid"]: r for r in a_rows}
    by_c = {r["qid"]: r for r in c_rows}
    out = []
    for q in queries:
        r, a, c = by_r.get(q.qid, {}), by_a.get(q.qid, {}), by_c.get(q.qid, {})
        out.append(
            {
                "qid": q.qid,
                "question": q.text,
                "in_scope": q.in_scope,
                "gold": sorted(q.gold),
                "rank": r.get("first_rank", {}).get("hybrid"),
                "ranks": r.get("first_rank"),
                "answer": a.get("answer"),
                "abstained": a.get("abstained"),
                "token_f1": a.get("token_f1"),
                "groundedness": a.get("groundedness"),
                "confidence": c.get("confidence"),
                "top_citation": c.get("top_citation"),
            }
        )
    return out

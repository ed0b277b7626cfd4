"""`kms eval safety-kbs`: answer safety on the held-out support KBs, one command for all of them.

``eval/data/fresh_kbs`` holds fifteen knowledge bases of other companies (a bank, a card issuer, a
clinic, a gas utility, a courier, a ticketing site, a StreamNest-style English service …), each an
``articles/`` folder in the 9-section template and a ``questions.jsonl`` in the format of the sample
KB's safety set (``class``, ``question``, ``expected``: an article and its sections or
``"abstain"``). None of them was used to fit anything. Each is ingested by the product pipeline
into its own temporary data dir (as each company has its own KB; the index is cached in
``DATA_DIR/eval-cache/fresh-kb-<name>-index``, shared with ``kms eval fusion``), every row goes
through :func:`assist.answer.answer_question` as in ``kms eval safety``, and the threshold
(``KMS_ANSWER_THRESHOLD`` unless given) is applied to all of them.

Metrics: the safety metrics of :func:`eval.safety.score_rows` over every KB's rows pooled
(``all/*`` and per class), and per KB (``kb/<name>/coverage``, ``…/wrong_answer_rate``,
``…/abstention``, ``…/colloquial_coverage``, ``…/claim_rate``), with the same threshold sweep and
reliability diagram as the sample KB's report. Agents' reply drafts are not scored here (``kms
eval safety`` does that on the sample KB).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.settings import Settings
from eval.datasets import file_info
from eval.errors import EvalConfigError
from eval.fusion_kbs import FRESH_KBS, fresh_kb_names
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, dataset_fingerprint
from eval.safety import (
    answer_rows,
    class_table,
    load_safety,
    reliability_figure,
    safety_bars,
    score_rows,
    sweep_figure,
)
from eval.sample import ingested_kb

__all__ = ["kb_metrics", "run_safety_kbs"]

# per-KB figures: (metric key of score_rows, name in the report)
_PER_KB = (
    ("all/n_rows", "n_rows"),
    ("all/coverage", "coverage"),
    ("all/wrong_answer_rate", "wrong_answer_rate"),
    ("uncovered_in_domain/abstention", "abstention"),
    ("colloquial/coverage", "colloquial_coverage"),
    ("paraphrase/coverage", "paraphrase_coverage"),
    ("all/claim_rate", "claim_rate"),
)


def kb_metrics(name: str, scored: dict[str, float | int | None]) -> dict[str, float | int | None]:
    """One KB's headline figures, as ``kb/<name>/<figure>``."""
    return {f"kb/{name}/{short}": scored.get(key) for key, short in _PER_KB}


def _chosen(root: Path, names: Sequence[str] | None) -> list[str]:
    found = fresh_kb_names(root) if root.is_dir() else []
    if not found:
        raise EvalConfigError(f"--root {root}: no KB folders (each needs articles/ and questions.jsonl)")
    if not names:
        return found
    unknown = [n for n in names if n not in found]
    if unknown:
        raise EvalConfigError(f"--kbs: unknown KB {unknown[0]!r} (under {root}: {', '.join(found)})")
    return list(dict.fromkeys(names))


def run_safety_kbs(
    settings: Settings,
    *,
    root: Path = FRESH_KBS,
    names: Sequence[str] | None = None,
    threshold: float | None = None,
    cache: Path | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    """Every KB under ``root`` (or those ``names``) in its own index, its safety set answered; the
    figures pooled and per KB at one threshold."""
    chosen = _chosen(root, names)
    limit = settings.answer_threshold if threshold is None else threshold
    pooled: list[dict[str, Any]] = []
    per_kb: dict[str, dict[str, float | int | None]] = {}
    files = []
    t0 = time.perf_counter()
    report(progress, "fresh KBs", 0, len(chosen))
    for name in chosen:
        folder = root / name
        rows = load_safety(folder / "questions.jsonl")
        files.append(file_info(folder / "questions.jsonl", len(rows)))
        index_cache = cache / f"fresh-kb-{name}-index" if cache is not None else None
        with ingested_kb(
            settings, [folder / "articles"], name=f"fresh KB {name}", index_cache=index_cache
        ) as kb:
            results = answer_rows(kb, rows, _named(progress, name))
        report(progress, "fresh KBs", 1)
        for r in results:
            r["kb"] = name
        per_kb[name] = score_rows(results, limit)
        pooled.extend(results)
    elapsed = time.perf_counter() - t0
    metrics = score_rows(pooled, limit)
    metrics["n_kbs"] = len(chosen)
    for name, scored in per_kb.items():
        metrics.update(kb_metrics(name, scored))
    sweep = [score_rows(pooled, t / 100) for t in range(0, 101, 2)]
    lat = sorted(r["ms"] for r in pooled)
    metrics["answer_ms_p50"] = lat[len(lat) // 2] if lat else None
    return EvalRun(
        kind="safety_kbs",
        primary_metric="all/wrong_answer_rate",
        metrics=metrics,
        config={"embedder": settings.embedder, "answer_threshold": limit, "kbs": chosen},
        dataset=dataset_fingerprint("fresh_kbs_safety", files, queries=len(pooled)),
        timings_s={"answers": round(elapsed, 3)},
        notes=[
            f"{len(chosen)} held-out KBs, each ingested into its own index; {len(pooled)} rows pooled",
            "agents' reply drafts are not scored here (kms eval safety scores them on the sample KB)",
        ],
        tables=_tables(metrics, per_kb),
        figures=_figures(pooled, per_kb, sweep),
        per_query=pooled,
        details={"sweep": sweep},
    )


def _named(progress: Progress | None, name: str) -> Progress | None:
    """``progress`` with the KB's name on its stages (one bar per KB, not one that overruns)."""
    if progress is None:
        return None
    inner = progress

    def named(stage: str, advance: int, total: int | None) -> None:
        inner(f"{stage} · {name}", advance, total)

    return named


def _tables(
    metrics: dict[str, float | int | None], per_kb: dict[str, dict[str, float | int | None]]
) -> list[Table]:
    return [
        Table(
            "KB별 결과 (Per knowledge base)",
            ["kb", *(short for _, short in _PER_KB)],
            [[name, *(scored.get(key) for key, _ in _PER_KB)] for name, scored in per_kb.items()],
        ),
        class_table(metrics, "분류별 결과, 전체 (Per class, all KBs pooled)"),
    ]


def _figures(
    pooled: Sequence[dict[str, Any]],
    per_kb: dict[str, dict[str, float | int | None]],
    sweep: Sequence[dict[str, float | int | None]],
) -> list[Figure]:
    return [
        safety_bars(
            "KB별 응답률·오답률·보류율 (Coverage, wrong answers and abstention per KB)",
            per_kb,
            "Answer safety per knowledge base",
        ),
        reliability_figure(pooled, "신뢰도 보정, 전체 (Reliability diagram, all KBs)"),
        sweep_figure(sweep, "임계값별 응답률·오답률 (Coverage and wrong answers by threshold, all KBs)"),
    ]

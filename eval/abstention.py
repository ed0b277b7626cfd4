"""When should the assistant answer? Coverage vs. false-answer rate over the confidence threshold.

Every question (in-scope ones, and out-of-scope ones from ``--out-of-scope`` or rows with
``"in_scope": false``) is answered with ``threshold=0.0``, so none abstains and each gets its
confidence. At threshold t a question is answered when confidence ≥ t:

- coverage(t): share of in-scope questions answered;
- false-answer rate FAR(t): share of out-of-scope questions answered;
- answered-correct(t): share of answered in-scope questions whose top citation is gold.

The recommended threshold is the lowest t with FAR(t) ≤ the target (so the highest coverage),
rounded *up* to 4 decimals; none when only abstaining on everything (t > 1) would reach it.
:func:`write_env_setting` writes it as ``KMS_ANSWER_THRESHOLD=<t>`` into a ``.env``-style file,
replacing an existing line for that key and keeping every other line.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval import plots
from eval.answers import AnswerFn, default_answer_fn
from eval.datasets import Query, RetrievalSet
from eval.errors import DatasetError, EvalConfigError
from eval.kb import corpus_kb, strip_doc_prefix
from eval.metrics import CurvePoint, abstention_curve, curve_auc, threshold_for_far
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, retrieval_fingerprint
from eval.sampling import sample

__all__ = [
    "ENV_KEY",
    "collect_confidences",
    "coverage_figure",
    "recommend",
    "run_abstention",
    "summarise",
    "write_env_setting",
]

ENV_KEY = "KMS_ANSWER_THRESHOLD"


def collect_confidences(
    kb: KnowledgeBase, queries: Sequence[Query], answer_fn: AnswerFn, *, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Per question: in-scope flag, confidence (threshold 0), whether the top citation is gold."""
    rows: list[dict[str, Any]] = []
    report(progress, "confidence", 0, len(queries))
    for q in queries:
        answer = answer_fn(kb, q.text, threshold=0.0, log=False)
        cites = list(answer.citations)
        top = strip_doc_prefix(cites[0].doc_id) if cites else None
        rows.append(
            {
                "qid": q.qid,
                "question": q.text,
                "in_scope": q.in_scope,
                "confidence": float(answer.confidence),
                "top_citation": top,
                "top_gold": bool(top is not None and q.gold.get(top, 0) > 0),
            }
        )
        report(progress, "confidence", 1)
    return rows


def recommend(points: Sequence[CurvePoint], target_far: float) -> float | None:
    """The threshold to configure for the target false-answer rate (rounded up), or None."""
    point = threshold_for_far(points, target_far)
    if point is None or point.threshold > 1.0:
        return None  # only "never answer" reaches the target: no usable setting
    return min(1.0, math.ceil(point.threshold * 10_000 - 1e-9) / 10_000)


def summarise(
    rows: Sequence[dict[str, Any]], target_far: float
) -> tuple[dict[str, float | int | None], list[CurvePoint]]:
    ins = [r for r in rows if r["in_scope"]]
    outs = [r for r in rows if not r["in_scope"]]
    if not ins or not outs:
        raise EvalConfigError(
            "abstention needs both in-scope and out-of-scope questions "
            f"(got {len(ins)} in, {len(outs)} out); "
            'pass --out-of-scope FILE or mark rows with "in_scope": false'
        )
    points = abstention_curve(
        [r["confidence"] for r in ins], [r["confidence"] for r in outs], [r["top_gold"] for r in ins]
    )
    chosen = recommend(points, target_far)
    at = next((p for p in points if chosen is not None and p.threshold >= chosen), None)
    tag = f"{target_far:g}"
    metrics: dict[str, float | int | None] = {
        "n_in_scope": len(ins),
        "n_out_of_scope": len(outs),
        "auc": curve_auc(points),
        "recommended_threshold": chosen,
        f"coverage@far{tag}": at.coverage if at else 0.0,
        f"far@far{tag}": at.far if at else None,
        f"answered_correct@far{tag}": at.answered_correct if at else None,
        "top_citation_gold": sum(r["top_gold"] for r in ins) / len(ins),
    }
    return metrics, points


def write_env_setting(path: Path, value: float, key: str = ENV_KEY) -> None:
    """Set ``key=value`` in a ``.env``-style file (created if missing), atomically."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    pattern = re.compile(rf"^\s*(export\s+)?{re.escape(key)}\s*=")
    entry = f"{key}={value:g}"
    out: list[str] = []
    for line in lines:
        if not pattern.match(line):
            out.append(line)
        elif entry not in out:  # the first occurrence is replaced, later duplicates dropped
            out.append(entry)
    if entry not in out:
        out.append(entry)
    lines = out
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(3)}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def coverage_figure(points: Sequence[CurvePoint], chosen: object) -> Figure:
    """The coverage vs. false-answer-rate curve, the recommended threshold marked when there is one."""
    return Figure(
        "응답률 / 오답변율 곡선 (Coverage vs. false-answer rate)",
        plots.curve(
            points, "Coverage vs false-answer rate", chosen=chosen if isinstance(chosen, float) else None
        ),
    )


def run_abstention(
    rset: RetrievalSet,
    settings: Settings,
    *,
    answer_fn: AnswerFn | None = None,
    target_far: float = 0.1,
    limit: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> EvalRun:
    """Confidences on the corpus ingested through the product pipeline (:func:`eval.kb.corpus_kb`):
    articles chunked by section as the product does, so the recommended threshold is one the
    product can use on the same content."""
    if not 0.0 <= target_far <= 1.0:
        raise EvalConfigError(f"--target-far must be between 0 and 1, got {target_far}")
    answer_fn = answer_fn or default_answer_fn()
    ins = [q for q in rset.queries if q.in_scope]
    outs = [q for q in rset.queries if not q.in_scope]
    if not outs:
        raise DatasetError(
            rset.files[-1].path if rset.files else rset.name,
            "no out-of-scope questions",
            hint="pass --out-of-scope FILE or mark rows in_scope: false",
        )
    queries = [ins[i] for i in sample(len(ins), limit, seed)] + [
        outs[i] for i in sample(len(outs), limit, seed)
    ]
    t0 = time.perf_counter()
    with corpus_kb(rset.corpus, settings, progress=progress) as (kb, kb_notes):
        timings = {"ingest": time.perf_counter() - t0}
        t0 = time.perf_counter()
        rows = collect_confidences(kb, queries, answer_fn, progress=progress)
        timings["answers"] = time.perf_counter() - t0
        n_chunks, model_id = len(kb.index.chunks), kb.embedder.model_id
    return abstention_run(
        rows,
        target_far,
        settings,
        rset,
        chunks=n_chunks,
        timings=timings,
        config={"embedder": model_id, "limit": limit, "seed": seed},
        extra_notes=kb_notes,
    )


def abstention_run(
    rows: list[dict[str, Any]],
    target_far: float,
    settings: Settings,
    rset: RetrievalSet,
    *,
    chunks: int,
    timings: dict[str, float],
    config: dict[str, Any],
    extra_notes: Sequence[str] = (),
) -> EvalRun:
    metrics, points = summarise(rows, target_far)
    chosen = metrics["recommended_threshold"]
    notes = [*rset.notes, *extra_notes]
    current = getattr(settings, "answer_threshold", None)
    if chosen is None:
        notes.append(f"no threshold reaches a false-answer rate ≤ {target_far:g}")
    else:
        notes.append(
            f"recommended {ENV_KEY}={chosen:g} for false-answer rate ≤ {target_far:g} (current: {current})"
        )
    step = max(1, len(points) // 25)
    shown = points[::step] + ([points[-1]] if (len(points) - 1) % step else [])
    return EvalRun(
        kind="abstention",
        primary_metric=f"coverage@far{target_far:g}",
        metrics=metrics,
        config={**config, "target_far": target_far, "current_threshold": current},
        dataset=retrieval_fingerprint(rset, chunks=chunks, queries=len(rows)),
        timings_s=timings,
        notes=notes,
        tables=[
            Table(
                "임계값별 응답률과 오답변율 (Coverage and false-answer rate by threshold)",
                [
                    "임계값 (threshold)",
                    "응답률 (coverage)",
                    "오답변율 (FAR)",
                    "정답 인용 비율 (top citation gold)",
                ],
                [[p.threshold, p.coverage, p.far, p.answered_correct] for p in shown],
            )
        ],
        figures=[coverage_figure(points, chosen)],
        per_query=rows,
        details={"curve": [p.__dict__ for p in points], "target_far": target_far},
    )

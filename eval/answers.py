"""Answer quality: token F1 and ROUGE-L against reference answers, citation precision,
groundedness and abstention rate, through the same ``answer_question`` the API calls.

Per answered (not abstained) question:

- gold contained: share of answers holding at least 80 % of the reference's tokens (the metric
  for short-answer sets, where token F1 of a long reply against a short span says little);
- token F1 / ROUGE-L: answer vs. reference tokens (:func:`eval.text.answer_tokens`; citation
  markers removed). Only questions with a reference count.
- citation precision: distinct cited documents that are gold (questions with gold ids and ≥ 1 citation).
- groundedness: share of answer sentences supported by their cited chunks (the citations marked
  in the sentence, or all of the answer's citations when it has none): contained after whitespace
  normalisation, or rapidfuzz ``partial_ratio`` ≥ 90 (:func:`eval.metrics.is_supported`).

Abstention rate is over all questions. The answer function is a parameter, so the metric side is
tested with a fake; the default is :func:`assist.answer.answer_question` (called with ``log=False``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval import plots
from eval.datasets import Query, RetrievalSet
from eval.errors import EvalError
from eval.kb import corpus_kb, strip_doc_prefix
from eval.metrics import (
    answer_contained,
    citation_precision,
    groundedness,
    mean,
    percentiles,
    rouge_l,
    token_f1,
)
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, retrieval_fingerprint
from eval.sampling import sample
from eval.text import answer_sentences, answer_tokens

__all__ = ["AnswerFn", "default_answer_fn", "evaluate_answers", "run_answers", "score_answer"]


class CitationLike(Protocol):
    n: int
    doc_id: str
    snippet: str
    chunk_id: str


class AnswerLike(Protocol):
    answer: str
    confidence: float
    abstained: bool

    @property
    def citations(self) -> Sequence[CitationLike]: ...


AnswerFn = Callable[..., AnswerLike]  # (kb, question, *, log=False, threshold=None) -> Answer


def default_answer_fn() -> AnswerFn:
    try:
        from assist.answer import answer_question
    except ImportError as exc:
        raise EvalError(
            f"the answer pipeline (assist.answer.answer_question) is not available: {exc}"
        ) from exc
    return answer_question  # type: ignore[return-value]


def chunk_text_lookup(kb: KnowledgeBase) -> Callable[[str], str | None]:
    index = kb.index

    def lookup(chunk_id: str) -> str | None:
        pos = index.pos_by_id.get(chunk_id)
        return index.chunks[pos].text if pos is not None else None

    return lookup


def score_answer(answer: AnswerLike, query: Query, chunk_text: Callable[[str], str | None]) -> dict[str, Any]:
    """One question's row: the answer, its citations and every metric that applies to it."""
    cites = list(answer.citations)
    row: dict[str, Any] = {
        "qid": query.qid,
        "question": query.text,
        "answer": answer.answer,
        "abstained": bool(answer.abstained),
        "confidence": float(answer.confidence),
        "gold": sorted(query.gold),
        "cited": [strip_doc_prefix(c.doc_id) for c in cites],
        "token_f1": None,
        "rouge_l": None,
        "gold_contained": None,
        "citation_precision": None,
        "groundedness": None,
    }
    if answer.abstained:
        return row
    if query.reference:
        pred, ref = answer_tokens(answer.answer), answer_tokens(query.reference)
        row["token_f1"], row["rouge_l"] = token_f1(pred, ref), rouge_l(pred, ref)
        row["gold_contained"] = 1.0 if answer_contained(pred, ref) else 0.0
    if query.gold:
        row["citation_precision"] = citation_precision(row["cited"], query.gold)
    texts = {c.n: chunk_text(c.chunk_id) or c.snippet for c in cites}
    sentences = answer_sentences(answer.answer)
    sources = [[texts[n] for n in cited if n in texts] or list(texts.values()) for _, cited in sentences]
    row["groundedness"] = groundedness([s for s, _ in sentences], sources) if sentences else None
    return row


def evaluate_answers(
    kb: KnowledgeBase, queries: Sequence[Query], answer_fn: AnswerFn, *, progress: Progress | None = None
) -> tuple[dict[str, float | int | None], list[dict[str, Any]]]:
    lookup = chunk_text_lookup(kb)
    rows: list[dict[str, Any]] = []
    latencies: list[float] = []
    report(progress, "answers", 0, len(queries))
    for q in queries:
        t0 = time.perf_counter()
        answer = answer_fn(kb, q.text, log=False)
        latencies.append((time.perf_counter() - t0) * 1000)
        rows.append(score_answer(answer, q, lookup))
        report(progress, "answers", 1)
    answered = [r for r in rows if not r["abstained"]]
    metrics: dict[str, float | int | None] = {
        "n_queries": len(rows),
        "n_answered": len(answered),
        "abstention_rate": (len(rows) - len(answered)) / len(rows) if rows else None,
    }
    for name in ("token_f1", "rouge_l", "gold_contained", "citation_precision", "groundedness"):
        metrics[name] = mean(r[name] for r in answered)
    metrics["answer_ms_p50"] = percentiles(latencies)["p50"]
    metrics["answer_ms_p95"] = percentiles(latencies)["p95"]
    return metrics, rows


def run_answers(
    rset: RetrievalSet,
    settings: Settings,
    *,
    answer_fn: AnswerFn | None = None,
    limit: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> EvalRun:
    """Answers on the corpus ingested through the product pipeline (:func:`eval.kb.corpus_kb`)."""
    answer_fn = answer_fn or default_answer_fn()
    usable = [q for q in rset.queries if q.in_scope and (q.reference or q.gold)]
    queries = [usable[i] for i in sample(len(usable), limit, seed)]
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with corpus_kb(rset.corpus, settings, progress=progress) as (kb, kb_notes):
        timings["ingest"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        metrics, rows = evaluate_answers(kb, queries, answer_fn, progress=progress)
        timings["answers"] = time.perf_counter() - t0
        n_chunks, model_id = len(kb.index.chunks), kb.embedder.model_id
    notes = [*rset.notes, *kb_notes]
    if limit is not None and limit < len(usable):
        notes.append(f"{len(queries)} of {len(usable)} questions sampled (seed {seed})")
    return answers_run(
        metrics,
        rows,
        settings,
        rset,
        chunks=n_chunks,
        timings=timings,
        notes=notes,
        config={"embedder": model_id, "limit": limit, "seed": seed},
    )


def answers_run(
    metrics: dict[str, float | int | None],
    rows: list[dict[str, Any]],
    settings: Settings,
    rset: RetrievalSet,
    *,
    chunks: int,
    timings: dict[str, float],
    notes: list[str],
    config: dict[str, Any],
) -> EvalRun:
    shown = ("token_f1", "rouge_l", "gold_contained", "citation_precision", "groundedness", "abstention_rate")
    worst = sorted((r for r in rows if not r["abstained"]), key=lambda r: r["token_f1"] or 0.0)[:15]
    return EvalRun(
        kind="answers",
        primary_metric="token_f1",
        metrics=metrics,
        config={**config, "answer_threshold": getattr(settings, "answer_threshold", None)},
        dataset=retrieval_fingerprint(rset, chunks=chunks, queries=len(rows)),
        timings_s=timings,
        notes=notes,
        tables=[
            Table(
                "낮은 점수의 답변 (Lowest-scoring answers)",
                ["질문 (question)", "답변 (answer)", "토큰 F1", "ROUGE-L", "근거 (grounded)", "인용 (cited)"],
                [
                    [
                        r["question"],
                        r["answer"][:300],
                        r["token_f1"],
                        r["rouge_l"],
                        r["groundedness"],
                        ", ".join(r["cited"]),
                    ]
                    for r in worst
                ],
            )
        ],
        figures=[
            Figure(
                "답변 지표 (Answer metrics)",
                plots.bars({"answers": {m: metrics.get(m) for m in shown}}, "Answer metrics"),
            ),
            Figure(
                "신뢰도 분포 (Confidence distribution)",
                plots.histogram(
                    {
                        "answered": [r["confidence"] for r in rows if not r["abstained"]],
                        "abstained": [r["confidence"] for r in rows if r["abstained"]],
                    },
                    "Confidence",
                    "confidence",
                ),
            ),
        ],
        per_query=rows,
    )

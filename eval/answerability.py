"""`kms eval answerability`: does the chatbot answer what its KB covers, and hold back on the rest?

Measured through the product path on public data (``--data-root``, default ``../shared/data``):
the dataset becomes a folder of 9-section KMS articles (Markdown, the template of
``ingest/sample_kb/articles``), which :func:`ingest.pipeline.ingest_paths` ingests into a temporary
data directory exactly as ``kms kb ingest`` would (read → PII mask → chunk → embed → index). Every
question then goes through :func:`assist.answer.answer_question` with ``threshold=0.0``, so each
gets its calibrated confidence and the article it would cite first.

Datasets (built in :mod:`eval.answerability_data`)
- ``welfare_qa_ko``: one article per programme document (제목 = the document's title, 요약 = its
  first sentence, 정책 = its text; 목적/단계별 절차/상담 스크립트/주요 상황 및 해결책 say
  "해당 없음", 참고 자료 is the source link). Answerable: a deterministic sample of the welfare
  questions, gold = their programme's article (two ids: either counts). Unanswerable: as many
  ``chatbot_data_ko`` daily-life questions.
- ``banking77`` (English): every second intent in sorted order is held out (no article); every
  other intent gets one article whose Consultation scripts are up to 15 of its *train* utterances,
  each answered by one generic sentence templated from the intent name (no policy is invented).
  Questions: a deterministic sample of *test* utterances; covered intent → gold = its article,
  held-out intent → should abstain.

``--tickets N`` (default 0: articles only) also ingests N labelled utterances per gold document as
resolved tickets tagged with their article's front-matter ``tag:`` (held-out banking77 intents
get tickets tagged ``held-<intent>``), as a production KB holds them; never an evaluated question
(see :mod:`eval.answerability_tickets`).

At threshold t a question is *answered* when an answer was composed and its confidence ≥ t (the
product abstains below ``KMS_ANSWER_THRESHOLD``). Then

- coverage(t): share of answerable questions answered;
- wrong_answer_rate(t): share of the answered answerable questions whose first citation is not gold;
- far(t) (false-answer rate): share of unanswerable questions answered;
- correct_answer_rate(t): share of answerable questions answered with a gold first citation.

They are reported at the run's threshold (``--threshold``, default the configured one), at the
confidence model's recommended threshold (``fit.recommended_threshold``), at the lowest threshold
whose false-answer rate is ≤ ``target_far``, and over a sweep 0, 0.02, …, 1 (table and plot).

Embedding a dataset's chunks takes minutes on a small CPU, so the built index folder is kept in
``index_cache`` (default ``DATA_DIR/eval-cache/answerability-<dataset>-index``) and seeds the next
build, as ``kms eval sample`` does: only chunks whose text changed are embedded again.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval import plots
from eval.answerability_data import DATASETS, AnswerabilitySet, Article, Question, load_answerability_set
from eval.answerability_rates import SWEEP_STEP, far_threshold, rates, sweep
from eval.answerability_tickets import Ticket, tickets_json
from eval.errors import EvalConfigError, EvalError
from eval.kb import ingested_kb, strip_doc_prefix
from eval.metrics import CurvePoint, curve_auc, percentiles
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, dataset_fingerprint

__all__ = [
    "DATASETS",
    "answerability_kb",
    "collect_answers",
    "far_threshold",
    "load_answerability_set",
    "rates",
    "run_answerability",
    "sweep",
]


# ----------------------------------------------------------------------------- the KB
@contextlib.contextmanager
def answerability_kb(
    settings: Settings,
    articles: Sequence[Article],
    *,
    tickets: Sequence[Ticket] = (),
    index_cache: Path | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[KnowledgeBase, list[str]]]:
    """The articles (then the resolved tickets, if any) ingested by the product pipeline
    (:func:`eval.kb.ingested_kb`) into a temporary data dir, and its warnings; any ingest error
    stops the run."""
    files = {f"{article.article_id}.md": article.markdown for article in articles}
    ticket_files = {"tickets.json": tickets_json(tickets)} if tickets else None
    built = ingested_kb(settings, files, tickets=ticket_files, index_cache=index_cache, progress=progress)
    with built as (kb, result):
        if not result.ok:
            raise EvalError(
                "the dataset's articles or tickets did not ingest cleanly: "
                + "; ".join(str(i) for i in result.errors[:3])
            )
        yield kb, [str(i) for i in result.issues]


# ----------------------------------------------------------------------------- answers
def collect_answers(
    kb: KnowledgeBase, questions: Sequence[Question], *, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Each question through ``answer_question`` (threshold 0): confidence and first citation."""
    from assist.answer import answer_question

    titles = {c.doc_id: c.title for c in kb.index.chunks}
    rows: list[dict[str, Any]] = []
    report(progress, "answers", 0, len(questions))
    for q in questions:
        answer = answer_question(kb, q.text, threshold=0.0, log=False)
        top = answer.citations[0] if answer.citations else None
        top_id = (top.article_id or strip_doc_prefix(top.doc_id)) if top else None
        rows.append(
            {
                "qid": q.qid,
                "question": q.text,
                "source": q.source,
                "label": q.label,
                "answerable": q.answerable,
                "gold": sorted(q.gold),
                "gold_title": next((titles.get(f"article:{g}") for g in sorted(q.gold)), None),
                "confidence": float(answer.confidence),
                "composed": not answer.abstained,
                "handoff_reason": answer.handoff_reason,
                "top_citation": top_id,
                "top_title": top.title if top else None,
                "correct": bool(top_id is not None and top_id in q.gold),
                "answer": answer.answer[:300],
                "total_ms": (answer.timings_ms or {}).get("total"),
            }
        )
        report(progress, "answers", 1)
    return rows


def _model_threshold(settings: Settings) -> float | None:
    from assist.confidence import load_model

    try:
        value = load_model(settings.data_dir).fit.get("recommended_threshold")
    except (FileNotFoundError, OSError):
        return None
    return float(value) if isinstance(value, int | float) else None


# ----------------------------------------------------------------------------- the run
def run_answerability(
    settings: Settings,
    dataset: str,
    *,
    data_root: Path,
    limit: int | None = 300,
    seed: int = 0,
    tickets: int = 0,
    threshold: float | None = None,
    target_far: float = 0.1,
    index_cache: Path | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    if not 0.0 <= target_far <= 1.0:
        raise EvalConfigError(f"--target-far must be between 0 and 1, got {target_far}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise EvalConfigError(f"--threshold must be between 0 and 1, got {threshold}")
    aset = load_answerability_set(dataset, data_root, limit=limit, seed=seed, tickets=tickets)
    chosen = settings.answer_threshold if threshold is None else threshold
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    built = answerability_kb(
        settings, aset.articles, tickets=aset.tickets, index_cache=index_cache, progress=progress
    )
    with built as (kb, issues):
        timings["ingest"] = time.perf_counter() - t0
        chunks = len(kb.index.chunks)
        ticket_chunks = sum(c.doc_type == "ticket" for c in kb.index.chunks)
        embedder_id = kb.embedder.model_id
        t0 = time.perf_counter()
        rows = collect_answers(kb, aset.questions, progress=progress)
        timings["answers"] = time.perf_counter() - t0
    report(progress, "done", 0)
    made = {t.ticket_id for t in aset.tickets}
    cited = {"ticket_first_citations": sum(r["top_citation"] in made for r in rows)} if made else {}
    return answerability_run(
        aset,
        rows,
        threshold=chosen,
        threshold_source="--threshold" if threshold is not None else "KMS_ANSWER_THRESHOLD",
        model_threshold=_model_threshold(settings),
        target_far=target_far,
        chunks=chunks,
        timings=timings,
        config={
            "embedder": embedder_id,
            "limit": limit,
            "seed": seed,
            "tickets": tickets,
            "ingest_issues": len(issues),
            **({"ticket_chunks": ticket_chunks, **cited} if tickets else {}),
        },
    )


def _fmt(value: float | int | None) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def answerability_run(
    aset: AnswerabilitySet,
    rows: list[dict[str, Any]],
    *,
    threshold: float,
    threshold_source: str,
    model_threshold: float | None,
    target_far: float,
    chunks: int,
    timings: dict[str, float],
    config: dict[str, Any],
) -> EvalRun:
    """The metrics, tables and figures of finished answers (no model needed: unit-testable)."""
    ins = [r for r in rows if r["answerable"]]
    tag = f"far{target_far:g}"
    safe = far_threshold(rows, target_far)
    at = rates(rows, threshold)
    metrics: dict[str, float | int | None] = {
        "n_answerable": len(ins),
        "n_unanswerable": len(rows) - len(ins),
        "n_no_answer": sum(1 for r in rows if not r["composed"]),
        **{k: v for k, v in at.items() if k != "n_answered"},
    }
    points = sweep(rows)
    curve = [
        CurvePoint(
            float(p["threshold"] or 0.0),
            float(p["coverage"] or 0.0),
            float(p["far"] or 0.0),
            None if p["wrong_answer_rate"] is None else 1.0 - float(p["wrong_answer_rate"]),
        )
        for p in points
    ]
    metrics["auc"] = curve_auc(curve)
    metrics["top_citation_gold"] = sum(r["correct"] for r in ins) / len(ins) if ins else None
    run_label = (
        "given by --threshold" if threshold_source == "--threshold" else f"configured, {threshold_source}"
    )
    named: list[tuple[str, str, float | None]] = [("", run_label, threshold)]
    if model_threshold is not None:
        named.append(("at_model/", "confidence model's recommended threshold", model_threshold))
    named.append((f"at_{tag}/", f"lowest threshold with false-answer rate ≤ {target_far:g}", safe))
    for prefix, _, value in named[1:]:
        if value is None:
            metrics[f"{prefix}threshold"] = None
            metrics[f"{prefix}coverage"] = 0.0
            continue
        for key, v in rates(rows, value).items():
            if key != "n_answered":
                metrics[f"{prefix}{key}"] = v
    ms = [float(r["total_ms"]) for r in rows if isinstance(r.get("total_ms"), int | float)]
    if ms:
        lat = percentiles(ms, (50, 95))
        metrics["answer_ms/p50"], metrics["answer_ms/p95"] = lat["p50"], lat["p95"]

    notes = list(aset.notes)
    for _, what, value in named:
        if value is None:
            notes.append(f"{what}: none (only never answering reaches it)")
            continue
        r = rates(rows, value)
        notes.append(
            f"threshold {value:g} ({what}): coverage {_fmt(r['coverage'])}, wrong-answer rate "
            f"{_fmt(r['wrong_answer_rate'])}, false-answer rate {_fmt(r['far'])}"
        )
    if config.get("ticket_first_citations"):
        notes.append(
            f"{config['ticket_first_citations']} first citations are tickets (never gold: counted wrong)"
        )
    if config.get("ingest_issues"):
        notes.append(f"ingest reported {config['ingest_issues']} warning(s) (see the KB build)")

    summary_rows = []
    for _, what, value in named:
        r = rates(rows, value) if value is not None else {}
        summary_rows.append(
            [
                what,
                value,
                r.get("coverage"),
                r.get("wrong_answer_rate"),
                r.get("far"),
                r.get("correct_answer_rate"),
            ]
        )
    confident = [r for r in rows if r["composed"]]
    groups = {
        "answerable, right article": [r["confidence"] for r in ins if r["composed"] and r["correct"]],
        "answerable, wrong article": [r["confidence"] for r in ins if r["composed"] and not r["correct"]],
        "unanswerable": [r["confidence"] for r in rows if not r["answerable"] and r["composed"]],
    }
    rate_cols = [
        "응답률 (coverage)",
        "오인용 답변율 (wrong-answer rate)",
        "오답변율 (false-answer rate)",
        "정답 응답률 (correct-answer rate)",
    ]
    return EvalRun(
        kind="answerability",
        primary_metric=f"at_{tag}/coverage",
        metrics=metrics,
        config={
            **config,
            **aset.config,
            "dataset": aset.name,
            "threshold": threshold,
            "threshold_source": threshold_source,
            "model_threshold": model_threshold,
            "target_far": target_far,
            "sweep_step": SWEEP_STEP,
        },
        dataset=dataset_fingerprint(
            aset.name,
            aset.files,
            articles=len(aset.articles),
            chunks=chunks,
            questions=len(rows),
            answerable=len(ins),
            unanswerable=len(rows) - len(ins),
        ),
        timings_s=timings,
        notes=notes,
        tables=[
            Table(
                "임계값별 결과 (Results at the thresholds)",
                ["기준 (which)", "임계값 (threshold)", *rate_cols],
                summary_rows,
            ),
            Table(
                "임계값 스윕 (Threshold sweep)",
                ["임계값 (threshold)", *rate_cols],
                [
                    [
                        p["threshold"],
                        p["coverage"],
                        p["wrong_answer_rate"],
                        p["far"],
                        p["correct_answer_rate"],
                    ]
                    for p in points
                ],
            ),
            Table(
                "질문별 결과 (Per question)",
                [
                    "qid",
                    "질문 (question)",
                    "답변 가능 (answerable)",
                    "정답 문서 (gold)",
                    "첫 인용 (first citation)",
                    "신뢰도 (conf.)",
                    "맞음 (right)",
                ],
                [
                    [
                        r["qid"],
                        r["question"],
                        r["answerable"],
                        r["gold_title"] or r.get("label") or "–",
                        r["top_title"] or "–",
                        r["confidence"],
                        r["correct"],
                    ]
                    for r in rows
                ],
            ),
        ],
        figures=[
            Figure(
                "응답률 / 오답변율 곡선 (Coverage vs. false-answer rate)",
                plots.curve(curve, f"{aset.name}: coverage vs false-answer rate", chosen=threshold),
            ),
            Figure(
                "신뢰도 보정 (Reliability: composed answers)",
                plots.reliability(
                    [r["confidence"] for r in confident],
                    [bool(r["answerable"] and r["correct"]) for r in confident],
                    f"{aset.name}: confidence vs share right",
                ),
            ),
            Figure(
                "신뢰도 분포 (Confidence by outcome)",
                plots.histogram(
                    {k: v for k, v in groups.items() if v},
                    f"{aset.name}: confidence by outcome",
                    plots.label("신뢰도", "confidence"),
                    bins=25,
                ),
            ),
        ],
        per_query=rows,
        details={"sweep": points, "target_far": target_far, "far_threshold": safe},
    )

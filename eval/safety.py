"""`kms eval safety`: is what the chatbot sends safe? Per class of inquiry, on a labelled set.

Rows (``eval/data/sample_kb_safety.jsonl`` by default) carry a ``class`` (direct, paraphrase,
colloquial, neighbour, uncovered, off_domain, multi_turn), the question (and ``history`` for
conversations) and ``expected``: ``"abstain"`` or ``{"doc_id", "sections", "alt_doc_ids"?}``.
Every row goes through the product's own :func:`assist.answer.answer_question` with threshold 0
(so each gets its confidence), then the threshold is applied:

- coverage: answerable rows answered;
- wrong-answer rate: answered answerable rows none of whose citations is the expected article
  and section (any listed section counts; answers cite one to three chunks); the stricter
  wrong-first-citation rate and the wrong-article rate are reported beside it;
- fact contained: answered rows whose text holds most content words of the row's key fact;
- claim rate: answers holding a sentence that :mod:`korean.roles` labels a case report or an
  agent note; the labelled claim rate counts sentences a person labelled so
  (``eval/data/sentence_roles*.jsonl``), independent of the classifier;
- abstention: ``abstain`` rows not answered (uncovered in-domain and off-domain separately).

The agents' reply drafts for the same single-turn rows are scored beside them
(:mod:`eval.safety_drafts`, ``drafts/*``). The report has a reliability diagram (confidence
against the share of right answers).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from eval import plots
from eval.datasets import file_info
from eval.errors import DatasetError
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, dataset_fingerprint
from eval.safety_drafts import draft_rows, score_drafts, section_key
from indexes.lexical import tokenize
from korean.roles import classify
from korean.sentences import split_sentences

__all__ = ["CLASSES", "SAFETY_EVAL", "SafetyRow", "answer_rows", "class_table", "load_safety"]
__all__ += ["reliability_figure", "run_safety", "safety_bars", "score_rows", "sweep_figure"]

SAFETY_EVAL = Path(__file__).parent / "data" / "sample_kb_safety.jsonl"
LABELLED = Path(__file__).parent / "data" / "sentence_roles*.jsonl"
CLASSES = ("direct", "paraphrase", "colloquial", "neighbour", "uncovered", "off_domain", "multi_turn")
_MARKER = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True)
class SafetyRow:
    qid: str
    cls: str
    question: str
    history: list[dict[str, str]] = field(default_factory=list)
    doc_ids: tuple[str, ...] = ()  # empty: the right answer is to abstain
    sections: tuple[str, ...] = ()
    fact: str = ""  # the key fact a right answer states (for the fact-contained metric)

    @property
    def answerable(self) -> bool:
        return bool(self.doc_ids)


# labels name 단계별 절차 "procedure"; its chunks are "steps" (core.records.SECTION_KEYS)
_SECTION_ALIASES = {"procedure": "steps"}


def load_safety(path: Path) -> list[SafetyRow]:
    rows: list[SafetyRow] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatasetError(path, f"cannot read: {exc.strerror or exc}") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            qid, cls, question = str(data["qid"]), str(data["class"]), str(data["question"])
            expected = data["expected"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetError(path, f"bad row ({exc}); need qid, class, question, expected", line=n) from exc
        if qid in seen:
            raise DatasetError(path, f"duplicate qid {qid!r}", line=n)
        seen.add(qid)
        if expected == "abstain":
            rows.append(SafetyRow(qid, cls, question, list(data.get("history") or [])))
            continue
        if not isinstance(expected, dict) or "doc_id" not in expected:
            raise DatasetError(
                path, f"'expected' must be \"abstain\" or an object with doc_id: {expected!r}", line=n
            )
        docs = (str(expected["doc_id"]), *[str(d) for d in expected.get("alt_doc_ids") or []])
        rows.append(
            SafetyRow(
                qid,
                cls,
                question,
                list(data.get("history") or []),
                docs,
                tuple(_SECTION_ALIASES.get(str(s), str(s)) for s in expected.get("sections") or []),
                str(data.get("answer_fact") or ""),
            )
        )
    if not rows:
        raise DatasetError(path, "no rows")
    return rows


def _sentences(answer_text: str) -> list[str]:
    return [s.strip() for s in split_sentences(_MARKER.sub("", answer_text)) if s.strip()]


def _claims(answer_text: str) -> list[str]:
    return [s for s in _sentences(answer_text) if not classify(s).sendable]


def _labelled_claims(answer_text: str, labels: dict[str, str]) -> list[str]:
    """Answer sentences that a person labelled case report or agent note (independent of the
    classifier; only sentences present in the labelled files can be checked this way)."""
    return [s for s in _sentences(answer_text) if labels.get(s, "general") != "general"]


def load_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in sorted(LABELLED.parent.glob(LABELLED.name)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                labels[str(row["text"]).strip()] = str(row["role"])
    return labels


def _fact_contained(answer_text: str, fact: str) -> bool | None:
    """True when most of the key fact's content words (Kiwi morphemes) appear in the answer."""
    want = set(tokenize(fact))
    if not want:
        return None
    return len(want & set(tokenize(answer_text))) / len(want) >= 0.6


def answer_rows(
    kb: KnowledgeBase, rows: Sequence[SafetyRow], progress: Progress | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    labels = load_labels()
    report(progress, "safety", 0, len(rows))
    for row in rows:
        t0 = time.perf_counter()
        ans = answer_question(kb, row.question, history=row.history, threshold=0.0, log=False)
        ms = (time.perf_counter() - t0) * 1000
        first = ans.citations[0] if ans.citations else None
        doc = first.doc_id.split(":", 1)[1] if first else None
        section = section_key(first.chunk_id) if first else None
        right_doc = doc in row.doc_ids
        first_right = bool(first) and right_doc and (not row.sections or section in row.sections)
        # right: some cited chunk is the expected article and section (answers cite 1-3 chunks)
        cited = {(c.doc_id.split(":", 1)[1], section_key(c.chunk_id)) for c in ans.citations}
        right = any(d in row.doc_ids and (not row.sections or sec in row.sections) for d, sec in cited)
        out.append(
            {
                "qid": row.qid,
                "class": row.cls,
                "question": row.question,
                "expected": list(row.doc_ids) or "abstain",
                "answerable": row.answerable,
                "confidence": ans.confidence,
                "has_answer": bool(ans.citations),
                "cited": doc,
                "section": section,
                "right_doc": right_doc,
                "right": right,
                "first_right": first_right,
                "fact_contained": _fact_contained(ans.answer, row.fact) if ans.citations else None,
                "claims": _claims(ans.answer) if ans.citations else [],
                "labelled_claims": _labelled_claims(ans.answer, labels) if ans.citations else [],
                "answer": ans.answer,
                "ms": round(ms, 2),
            }
        )
        report(progress, "safety", 1)
    return out


def score_rows(results: Sequence[dict[str, Any]], threshold: float) -> dict[str, float | int | None]:
    """Per-class and overall metrics at one threshold."""

    def answered(r: dict[str, Any]) -> bool:
        return bool(r["has_answer"]) and r["confidence"] >= threshold

    def rate(num: int, den: int) -> float | None:
        return round(num / den, 4) if den else None

    metrics: dict[str, float | int | None] = {}
    groups = {"all": list(results), **{c: [r for r in results if r["class"] == c] for c in CLASSES}}
    for name, rows in groups.items():
        if not rows:
            continue
        ans = [r for r in rows if r["answerable"]]
        abst = [r for r in rows if not r["answerable"]]
        got = [r for r in ans if answered(r)]
        metrics[f"{name}/n_rows"] = len(rows)
        metrics[f"{name}/coverage"] = rate(len(got), len(ans))
        metrics[f"{name}/wrong_answer_rate"] = rate(sum(1 for r in got if not r["right"]), len(got))
        metrics[f"{name}/wrong_article_rate"] = rate(sum(1 for r in got if not r["right_doc"]), len(got))
        metrics[f"{name}/wrong_first_citation_rate"] = rate(
            sum(1 for r in got if not r["first_right"]), len(got)
        )
        facts = [r for r in got if r["fact_contained"] is not None]
        metrics[f"{name}/fact_contained"] = rate(sum(1 for r in facts if r["fact_contained"]), len(facts))
        sent = [r for r in rows if answered(r)]
        metrics[f"{name}/claim_rate"] = rate(sum(1 for r in sent if r["claims"]), len(sent))
        metrics[f"{name}/labelled_claim_rate"] = rate(sum(1 for r in sent if r["labelled_claims"]), len(sent))
        metrics[f"{name}/abstention_on_unanswerable"] = rate(
            sum(1 for r in abst if not answered(r)), len(abst)
        )
    uncovered = [r for r in results if r["class"] in ("uncovered", "neighbour") and not r["answerable"]]
    metrics["uncovered_in_domain/abstention"] = rate(
        sum(1 for r in uncovered if not answered(r)), len(uncovered)
    )
    metrics["threshold"] = threshold
    return metrics


def _brier(results: Sequence[dict[str, Any]]) -> float | None:
    if not results:
        return None
    return round(
        sum((r["confidence"] - (1.0 if r["right"] else 0.0)) ** 2 for r in results) / len(results), 4
    )


def run_safety(
    kb: KnowledgeBase,
    *,
    eval_file: Path = SAFETY_EVAL,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    rows = load_safety(eval_file)
    limit = kb.settings.answer_threshold if threshold is None else threshold
    t0 = time.perf_counter()
    results = answer_rows(kb, rows, progress)
    elapsed = time.perf_counter() - t0
    metrics = score_rows(results, limit)
    metrics["brier"] = _brier(results)
    t_drafts = time.perf_counter()
    drafts = draft_rows(kb, rows, _fact_contained)
    metrics.update(score_drafts(drafts))
    elapsed_drafts = time.perf_counter() - t_drafts
    lat = sorted(r["ms"] for r in results)
    metrics["answer_ms_p50"] = lat[len(lat) // 2] if lat else None
    sweep = [score_rows(results, t / 100) for t in range(0, 101, 2)]
    report(progress, "done", 0)
    return EvalRun(
        kind="safety",
        primary_metric="all/wrong_answer_rate",
        metrics=metrics,
        config={"embedder": kb.embedder.model_id, "answer_threshold": limit},
        dataset=dataset_fingerprint("answer_safety", [file_info(eval_file, len(rows))], queries=len(rows)),
        timings_s={"answers": round(elapsed, 3), "drafts": round(elapsed_drafts, 3)},
        tables=[
            class_table(metrics, "분류별 결과 (Per class)"),
            Table(
                "상담원 답변 초안 (Agents' reply drafts, KMS_ANSWER_THRESHOLD)",
                ["n", "coverage", "wrong-answer rate", "fact contained", "claim rate", "drafts to hand off"],
                [
                    [
                        metrics.get("drafts/n_rows"),
                        metrics.get("drafts/coverage"),
                        metrics.get("drafts/wrong_answer_rate"),
                        metrics.get("drafts/fact_contained"),
                        metrics.get("drafts/claim_rate"),
                        metrics.get("drafts/false_answer_rate"),
                    ]
                ],
            ),
            Table(
                "질문별 결과 (Per question)",
                ["qid", "class", "question", "expected", "cited", "section", "confidence", "right", "claims"],
                [
                    [
                        r["qid"],
                        r["class"],
                        r["question"],
                        r["expected"],
                        r["cited"],
                        r["section"],
                        r["confidence"],
                        r["right"],
                        " / ".join(r["claims"]),
                    ]
                    for r in results
                ],
            ),
        ],
        figures=[
            reliability_figure(results, "신뢰도 보정 (Reliability diagram)"),
            sweep_figure(sweep, "임계값별 응답률·오답률 (Coverage and wrong answers by threshold)"),
        ],
        per_query=results,
        details={"sweep": sweep, "drafts": drafts},
    )


def class_table(metrics: dict[str, float | int | None], title: str) -> Table:
    """Coverage, wrong answers, claims and abstention per class of inquiry (and all)."""
    return Table(
        title,
        ["class", "n", "coverage", "wrong-answer rate", "claim rate", "abstention (unanswerable)"],
        [
            [
                c,
                metrics.get(f"{c}/n_rows"),
                metrics.get(f"{c}/coverage"),
                metrics.get(f"{c}/wrong_answer_rate"),
                metrics.get(f"{c}/claim_rate"),
                metrics.get(f"{c}/abstention_on_unanswerable"),
            ]
            for c in ("all", *CLASSES)
            if f"{c}/n_rows" in metrics
        ],
    )


def reliability_figure(results: Sequence[dict[str, Any]], title: str) -> Figure:
    """Confidence against the share of right answers, over the rows that got an answer."""
    answered = [r for r in results if r["has_answer"]]
    return Figure(
        title,
        plots.reliability(
            [r["confidence"] for r in answered],
            [bool(r["right"]) for r in answered],
            "Confidence vs share of right answers",
        ),
    )


def sweep_figure(sweep: Sequence[Mapping[str, Any]], title: str) -> Figure:
    """:func:`safety_bars` at every fifth threshold of a sweep."""
    every_fifth = {f"t={m['threshold']:.2f}": m for m in sweep[::5]}
    return safety_bars(title, every_fifth, "Answer safety by threshold")


def safety_bars(title: str, groups: Mapping[str, Mapping[str, Any]], plot_title: str) -> Figure:
    """Coverage, wrong-answer rate and uncovered abstention of each group of safety metrics (the
    thresholds of a sweep, the knowledge bases of a run)."""
    return Figure(
        title,
        plots.bars(
            {
                label: {
                    "coverage": _num(m.get("all/coverage")),
                    "wrong_answer_rate": _num(m.get("all/wrong_answer_rate")),
                    "uncovered abstention": _num(m.get("uncovered_in_domain/abstention")),
                }
                for label, m in groups.items()
            },
            plot_title,
        ),
    )


def _num(value: float | int | None) -> float | None:
    return None if value is None else float(value)

"""Fit the answer-confidence model on labelled questions, through the product's answer path.

Labelled questions come from a JSONL file (``qid``, ``question``, gold ``doc_id(s)`` or
``"in_scope": false``) or from resolved tickets: a ticket whose consultation tag is an article's
tag is a question that article answers; a ticket whose tag no article carries is one the bot
should hand off. Every question goes through :func:`assist.answer.answer_question` with
threshold 0; its confidence features and whether the first citation is the gold article become
one training row of :func:`assist.confidence.fit_model`.

The threshold recommended with the model is the lowest one at which answered questions are right
at least ``target_precision`` of the time on the fitting data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assist.answer import answer_question
from assist.confidence import ConfidenceModel, fit_model
from assist.knowledge import KnowledgeBase
from eval.datasets import load_queries
from eval.progress import Progress, report

__all__ = ["Labelled", "calibrate", "from_queries", "from_tickets", "recommend_threshold"]


@dataclass(frozen=True)
class Labelled:
    text: str
    gold: frozenset[str]  # article/doc ids without prefix; empty: should hand off
    source_id: str | None = None  # the stored document it came from (a ticket), left out of retrieval


def from_queries(path: Path) -> list[Labelled]:
    queries, _ = load_queries(path)
    return [Labelled(q.text, frozenset(q.gold) if q.in_scope else frozenset()) for q in queries]


def from_tickets(
    kb: KnowledgeBase, tickets: Sequence[tuple[str, Sequence[str]] | tuple[str, Sequence[str], str]]
) -> list[Labelled]:
    """(inquiry, tags[, ticket id]) → labelled questions via the articles' consultation tags. With
    the id, answering leaves that ticket out of retrieval: its own tags must not vote for the
    article it is labelled with (``KMS_TICKET_VOTE``)."""
    by_tag: dict[str, set[str]] = {}
    for chunk in kb.index.chunks:
        tag = chunk.meta.get("tag")
        if chunk.doc_type == "article" and tag:
            by_tag.setdefault(str(tag), set()).add(chunk.doc_id.split(":", 1)[1])
    out = []
    for inquiry, tags, *ticket_id in tickets:
        gold = {a for t in tags for a in by_tag.get(t, ())}
        if inquiry.strip():
            source = f"ticket:{ticket_id[0]}" if ticket_id else None
            out.append(Labelled(inquiry.strip(), frozenset(gold), source))
    return out


def _rows(
    kb: KnowledgeBase, questions: Sequence[Labelled], progress: Progress | None
) -> tuple[list[dict[str, float]], list[int], list[float]]:
    rows, labels, confidences = [], [], []
    report(progress, "confidence", 0, len(questions))
    for q in questions:
        ans = answer_question(
            kb, q.text, threshold=0.0, log=False, exclude=(q.source_id,) if q.source_id else ()
        )
        first = ans.citations[0].doc_id.split(":", 1)[1] if ans.citations else None
        if ans.citations:  # no composed answer: confidence is 0 whatever the model says
            rows.append(ans.features)
            labels.append(1 if first in q.gold else 0)
            confidences.append(ans.confidence)
        report(progress, "confidence", 1)
    return rows, labels, confidences


def recommend_threshold(
    confidences: Sequence[float], labels: Sequence[int], target_precision: float
) -> float:
    """Lowest threshold (2 decimals) whose answered questions are right ≥ ``target_precision``."""
    for step in range(0, 100):
        t = step / 100
        got = [lab for c, lab in zip(confidences, labels, strict=True) if c >= t]
        if got and sum(got) / len(got) >= target_precision:
            return t
    return 1.0


def calibrate(
    kb: KnowledgeBase,
    questions: Sequence[Labelled],
    *,
    source: str,
    target_precision: float = 0.95,
    progress: Progress | None = None,
) -> tuple[ConfidenceModel, dict[str, Any]]:
    """Fit a model on ``questions``; returns it with a summary (rows, threshold, fingerprint)."""
    rows, labels, _ = _rows(kb, questions, progress)
    digest = hashlib.sha256(
        json.dumps([[q.text, sorted(q.gold)] for q in questions], ensure_ascii=False).encode()
    ).hexdigest()[:16]
    model = fit_model(
        rows,
        labels,
        fit_info={
            "source": source,
            "data_sha256": digest,
            "questions": len(questions),
            "embedder": kb.embedder.model_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    fitted = [model.predict(r) for r in rows]
    threshold = recommend_threshold(fitted, labels, target_precision)
    model.fit["recommended_threshold"] = threshold
    model.fit["target_precision"] = target_precision
    answered = [lab for c, lab in zip(fitted, labels, strict=True) if c >= threshold]
    summary = {
        "rows": len(rows),
        "right": sum(labels),
        "recommended_threshold": threshold,
        "answered_share": round(len(answered) / len(questions), 4) if questions else None,
        "precision_at_threshold": round(sum(answered) / len(answered), 4) if answered else None,
    }
    return model, summary

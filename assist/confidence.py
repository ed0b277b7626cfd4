"""One confidence for every answer: the calibrated probability that it is right.

Features of one retrieval + composition (dense similarity of the answering article, query-term
coverage, sentence and script-question fit, whether the answer serves the question's focus, and
the margins between the first and second article) go through a logistic regression fitted on
labelled questions (``kms eval calibrate``). The model file records its features, coefficients,
the fingerprint of the data it was fitted on and the embedding model it assumes.

Lookup order: ``DATA_DIR/confidence_model.json`` (fitted on your own labelled questions), then the
bundled ``assist/data/confidence_model.json`` (fitted on the sample KB's tickets and questions with
the bundled e5 model). ``/v1/answer``, ``/v1/chat/completions`` and ``/v1/suggestions`` all call
:func:`answer_confidence`, so the same text gets the same number everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assist.answer_sentences import doc_chunks
from assist.compose import Composition
from assist.evidence import Evidence
from indexes.hybrid import HybridIndex
from indexes.logistic import StandardLogistic

log = logging.getLogger(__name__)

FEATURES = (
    "dense",
    "coverage",
    "sentence_fit",
    "sentence_dense",
    "script_fit",
    "focus_served",
    "has_focus",
    "margin",
    "dense_margin",
)
BUNDLED = Path(__file__).parent / "data" / "confidence_model.json"
MODEL_FILE = "confidence_model.json"


def features(evidence: Evidence, comp: Composition, index: HybridIndex) -> dict[str, float]:
    """The model's inputs for one answer (all 0..1-ish; missing legs count as 0)."""
    docs = evidence.knowledge
    doc = comp.doc or (docs[0] if docs else None)
    if doc is None:
        return dict.fromkeys(FEATURES, 0.0)
    hits = [h for h in evidence.chunk_hits if h.chunk.doc_id == doc.doc_id]
    dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
    terms = set(evidence.trace.query_tokens)
    coverage = 0.0
    if terms:
        doc_tokens: set[str] = set()
        for chunk in doc_chunks(index, doc.doc_id):
            doc_tokens.update(index.tokens_of(chunk.chunk_id) or ())
        coverage = len(terms & doc_tokens) / len(terms)
    others = [d for d in docs if d.doc_id != doc.doc_id]
    second = others[0] if others else None
    second_dense = 0.0
    if second is not None:
        second_dense = max(
            (h.dense for h in evidence.chunk_hits if h.chunk.doc_id == second.doc_id and h.dense is not None),
            default=0.0,
        )
    return {
        "dense": float(dense),
        "coverage": coverage,
        "sentence_fit": comp.features.get("sentence_fit", 0.0),
        "sentence_dense": comp.features.get("sentence_dense", 0.0),
        "script_fit": comp.features.get("script_fit", 0.0),
        "focus_served": comp.features.get("focus_served", 0.0),
        "has_focus": comp.features.get("has_focus", 0.0),
        "margin": max(doc.score - (second.score if second else 0.0), 0.0),
        "dense_margin": float(dense - second_dense),
    }


@dataclass
class ConfidenceModel(StandardLogistic):
    """Standardised logistic regression over :data:`FEATURES`."""

    features: tuple[str, ...] = FEATURES


def fit_model(
    rows: Sequence[dict[str, float]], labels: Sequence[int], *, fit_info: dict[str, Any]
) -> ConfidenceModel:
    """Fit on feature rows and 0/1 labels (1 = the composed answer cites the right article)."""
    import numpy as np

    if len(set(labels)) < 2:
        raise ValueError("calibration needs both right and wrong answers among the labelled questions")
    x = np.array([[r.get(f, 0.0) for f in FEATURES] for r in rows], dtype=float)
    return ConfidenceModel.fitted_on(x, labels, fit_info=fit_info)


def load_model(data_dir: Path | None) -> ConfidenceModel:
    """The data dir's fitted model if there is one, else the bundled one (read again when the file
    changes: :meth:`indexes.logistic.StandardLogistic.load_cached`)."""
    for path in ([data_dir / MODEL_FILE] if data_dir else []) + [BUNDLED]:
        try:
            path.stat()
        except OSError:
            continue
        try:
            return ConfidenceModel.load_cached(path)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("confidence model %s is unreadable (%s); using the next one", path, exc)
    raise FileNotFoundError(f"no confidence model: {BUNDLED} is missing from the installation")


def answer_confidence(
    evidence: Evidence, comp: Composition, index: HybridIndex, data_dir: Path | None
) -> tuple[float, dict[str, float]]:
    """(probability the composed answer is right, the features it was computed from)."""
    values = features(evidence, comp, index)
    if not comp.sentences:
        return 0.0, values
    return load_model(data_dir).predict(values), values

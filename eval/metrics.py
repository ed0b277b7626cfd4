"""Evaluation metrics as pure functions (checked by hand and against scikit-learn in the tests).

Retrieval, for a ranked list of doc ids and a ``gold`` map ``{doc_id: relevance > 0}``:

- ``recall@k``: 1 if *any* gold document is in the top k, else 0 (a.k.a. success@k/hit@k). Where a
  query lists several gold ids they are alternatives (the same programme filed twice, say), so a hit
  on either counts; with one gold id this is classical recall. ``mode="all"`` gives the classical
  share of the gold set instead.
- ``mrr@k``: 1 / rank of the first gold document within the top k (0 if none).
- ``ndcg@k``: DCG with linear gains ``rel / log2(rank + 1)`` over the ideal DCG of the gold set
  (as ``sklearn.metrics.ndcg_score``).

Answers: token F1 (bag of tokens, SQuAD style), ROUGE-L F1 (longest common subsequence), citation
precision, groundedness. Abstention: coverage / false-answer-rate curve over a confidence threshold.
Clustering: NMI (arithmetic normalisation), ARI and V-measure from the contingency table.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CurvePoint",
    "abstention_curve",
    "adjusted_rand_index",
    "answer_contained",
    "citation_precision",
    "curve_auc",
    "first_relevant_rank",
    "groundedness",
    "is_supported",
    "mean",
    "ndcg_at_k",
    "normalize_ws",
    "normalized_mutual_info",
    "percentiles",
    "recall_at_k",
    "reciprocal_rank",
    "rouge_l",
    "threshold_for_far",
    "token_f1",
    "v_measure",
]


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None (None when there are none)."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


# ------------------------------------------------------------------------------- retrieval
def first_relevant_rank(ranked: Sequence[str], gold: Mapping[str, float]) -> int | None:
    """1-based rank of the first gold document, or None if none was retrieved."""
    for rank, doc_id in enumerate(ranked, start=1):
        if gold.get(doc_id, 0) > 0:
            return rank
    return None


def recall_at_k(ranked: Sequence[str], gold: Mapping[str, float], k: int, *, mode: str = "any") -> float:
    relevant = {d for d, r in gold.items() if r > 0}
    if not relevant:
        return 0.0
    found = relevant & set(ranked[:k])
    if mode == "all":
        return len(found) / len(relevant)
    return 1.0 if found else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: Mapping[str, float], k: int) -> float:
    rank = first_relevant_rank(ranked[:k], gold)
    return 1.0 / rank if rank else 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Mapping[str, float], k: int) -> float:
    gains = [float(gold.get(d, 0.0)) for d in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((float(r) for r in gold.values() if r > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


# ------------------------------------------------------------------------------- answers
def token_f1(prediction: Sequence[str], reference: Sequence[str]) -> float:
    """Harmonic mean of token precision and recall over the multiset overlap."""
    if not prediction or not reference:
        return 1.0 if not prediction and not reference else 0.0
    overlap = sum((Counter(prediction) & Counter(reference)).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(prediction), overlap / len(reference)
    return 2 * precision * recall / (precision + recall)


def answer_contained(prediction: Sequence[str], reference: Sequence[str], *, min_recall: float = 0.8) -> bool:
    """Whether a (long) answer contains a (short) gold answer: at least ``min_recall`` of the
    reference's tokens appear in the prediction. Token F1 of a long reply against a short span is
    low even when the span is there; this is the metric for short-answer sets."""
    if not reference:
        return not prediction
    overlap = sum((Counter(prediction) & Counter(reference)).values())
    return overlap / len(reference) >= min_recall


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(prediction: Sequence[str], reference: Sequence[str]) -> float:
    """ROUGE-L F1: LCS-based precision and recall, equally weighted."""
    if not prediction or not reference:
        return 1.0 if not prediction and not reference else 0.0
    lcs = lcs_length(prediction, reference)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(prediction), lcs / len(reference)
    return 2 * precision * recall / (precision + recall)


def citation_precision(cited_doc_ids: Sequence[str], gold: Mapping[str, float]) -> float | None:
    """Share of distinct cited documents that are gold; None when nothing was cited."""
    cited = list(dict.fromkeys(cited_doc_ids))
    if not cited:
        return None
    return sum(1 for d in cited if gold.get(d, 0) > 0) / len(cited)


_WS = re.compile(r"\s+")


def normalize_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def is_supported(sentence: str, sources: Sequence[str], *, min_ratio: float = 90.0) -> bool:
    """A sentence is supported if it appears (whitespace-normalised) in one of the sources, or has
    rapidfuzz ``partial_ratio`` ≥ ``min_ratio`` with one."""
    from rapidfuzz import fuzz

    needle = normalize_ws(sentence)
    if not needle:
        return True
    for source in sources:
        hay = normalize_ws(source)
        if needle in hay or fuzz.partial_ratio(needle, hay) >= min_ratio:
            return True
    return False


def groundedness(sentences: Sequence[str], sources_per_sentence: Sequence[Sequence[str]]) -> float | None:
    """Share of sentences supported by their own sources (None for an empty answer)."""
    if not sentences:
        return None
    flags = [is_supported(s, src) for s, src in zip(sentences, sources_per_sentence, strict=True)]
    return sum(flags) / len(flags)


# ------------------------------------------------------------------------------- abstention
@dataclass(frozen=True)
class CurvePoint:
    """At ``threshold`` (answer when confidence ≥ threshold): the share of in-scope questions
    answered (coverage), of out-of-scope ones answered (false-answer rate), and of answered
    in-scope ones whose top citation is gold (None when unknown or nothing answered)."""

    threshold: float
    coverage: float
    far: float
    answered_correct: float | None = None


def abstention_curve(
    in_scope: Sequence[float], out_of_scope: Sequence[float], top_gold: Sequence[bool] | None = None
) -> list[CurvePoint]:
    """One point per distinct confidence (plus 0 and one just above the maximum), ascending."""
    ins, outs = np.asarray(in_scope, dtype=float), np.asarray(out_of_scope, dtype=float)
    every = np.concatenate([ins, outs])
    top = max(1.0, float(every.max())) if every.size else 1.0
    thresholds = sorted({0.0, *(float(x) for x in every), float(np.nextafter(top, np.inf))})
    gold = np.asarray(top_gold, dtype=bool) if top_gold is not None else None
    points = []
    for t in thresholds:
        answered = ins >= t
        correct = None
        if gold is not None and answered.any():
            correct = float(gold[answered].mean())
        points.append(
            CurvePoint(
                t,
                float(answered.mean()) if ins.size else 0.0,
                float((outs >= t).mean()) if outs.size else 0.0,
                correct,
            )
        )
    return points


def threshold_for_far(points: Sequence[CurvePoint], target_far: float) -> CurvePoint | None:
    """The lowest threshold (so the highest coverage) whose false-answer rate is ≤ the target."""
    ok = [p for p in points if p.far <= target_far + 1e-12]
    return min(ok, key=lambda p: p.threshold) if ok else None


def curve_auc(points: Sequence[CurvePoint]) -> float:
    """Area under coverage as a function of false-answer rate (1.0 = perfect separation)."""
    pts = sorted({(p.far, p.coverage) for p in points} | {(0.0, 0.0), (1.0, 1.0)})
    area = 0.0
    best: dict[float, float] = {}
    for far, cov in pts:
        best[far] = max(best.get(far, 0.0), cov)
    xs = sorted(best)
    for x0, x1 in itertools.pairwise(xs):
        area += (x1 - x0) * (best[x0] + best[x1]) / 2
    return area


# ------------------------------------------------------------------------------- clustering
# scikit-learn's implementations; the label lists are compared as strings (ids of any type)
def _labels(labels_true: Sequence[object], labels_pred: Sequence[object]) -> tuple[list[str], list[str]]:
    if len(labels_true) != len(labels_pred):
        raise ValueError(f"label lists differ in length ({len(labels_true)} vs {len(labels_pred)})")
    return [str(x) for x in labels_true], [str(x) for x in labels_pred]


def normalized_mutual_info(labels_true: Sequence[object], labels_pred: Sequence[object]) -> float:
    """NMI with the arithmetic mean of the entropies (scikit-learn's default)."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(*_labels(labels_true, labels_pred)))


def adjusted_rand_index(labels_true: Sequence[object], labels_pred: Sequence[object]) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(*_labels(labels_true, labels_pred)))


def v_measure(labels_true: Sequence[object], labels_pred: Sequence[object]) -> tuple[float, float, float]:
    """(homogeneity, completeness, V-measure with beta = 1)."""
    from sklearn.metrics import homogeneity_completeness_v_measure

    h, c, v = homogeneity_completeness_v_measure(*_labels(labels_true, labels_pred))
    return float(h), float(c), float(v)


# ------------------------------------------------------------------------------- latency
def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation (numpy's default); NaN when empty. The one
    percentile of the project: the evals' reports and every script in benchmarks/ use it."""
    if not len(values):
        return float("nan")
    return float(np.percentile(np.asarray(values, dtype=float), 100 * q))


def percentiles(values_ms: Sequence[float], qs: Sequence[int] = (50, 95, 99)) -> dict[str, float]:
    """``{"p50": …, "p95": …, "p99": …}`` (:func:`percentile` of each)."""
    return {f"p{q}": percentile(values_ms, q / 100) for q in qs}

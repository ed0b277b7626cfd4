"""Query-weighted fusion (``fusion="auto"``): weighted min-max fusion whose dense weight is set per query.

A fixed weight cannot suit every corpus and query: on the shared datasets the best fixed dense weight
ranges from about 0.55 (welfare_qa_ko, machine-written questions sharing the documents' terms) to
0.85-0.9 (paraKQC paraphrases, stackfaq's English before it was stemmed), and a query whose words
the BM25 vocabulary mostly does not know gets little but noise from BM25. Here the dense weight is
``sigmoid(intercept + sum(coef * (x - mean) / scale))`` over two per-query features:

- ``coverage``: the share of the query's BM25 tokens that occur in the index (0 with no tokens);
- ``latin``: the share of Latin letters among the query's Hangul and Latin letters (English BM25
  tokens are Snowball stems, Korean ones Kiwi morphemes; on stackfaq BM25 trails dense by more).

The BM25 leg gets ``1 - w``; scores stay on the weighted fusion's 0..1 scale, so what reads them
(answer confidence's margin, relative scores in composition) sees the same kind of number.

The model is fitted by ``kms eval fusion`` (:func:`fit_weight_model`) on labelled questions of other
datasets than the ones it is scored on, and saved with the fingerprint of that data. Lookup:
``DATA_DIR/fusion_weight.json`` (fitted on your own questions), else the bundled
``indexes/data/fusion_weight.json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexes.logistic import StandardLogistic

BUNDLED = Path(__file__).parent / "data" / "fusion_weight.json"
MODEL_FILE = "fusion_weight.json"
FEATURES: tuple[str, ...] = ("coverage", "latin")
# A dataset's gain over its best leg counts up to CAP. At 0.01 the fit was indifferent to
# welfare_qa_ko's larger gain and set Korean queries' dense weight to 0.83, costing welfare 0.013
# nDCG@10 and 0.02 R@5 against the old fixed 0.7 (kms eval fusion test splits); at 0.03 (0.05 the
# same) a Korean query whose words BM25 all knows gets 0.68 and an English one 0.87.
CAP = 0.03
GRID = tuple(round(0.05 * i, 2) for i in range(21))  # dense weights a fit chooses among

_HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
_LATIN = re.compile(r"[A-Za-z]")


def latin_share(text: str) -> float:
    """Latin letters / (Latin + Hangul letters) of ``text``; 0 when it has neither."""
    n_latin = len(_LATIN.findall(text))
    n_hangul = len(_HANGUL.findall(text))
    return n_latin / (n_latin + n_hangul) if n_latin + n_hangul else 0.0


def query_features(coverage: float, text: str) -> dict[str, float]:
    return {"coverage": float(coverage), "latin": latin_share(text)}


@dataclass
class WeightModel(StandardLogistic):
    """The dense weight of one query, from :data:`FEATURES` (0..1; BM25 gets the rest)."""

    features: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        if tuple(self.features) != FEATURES:
            raise ValueError(f"fusion weight model features {list(self.features)} are not this version's")

    def dense_weight(self, values: Mapping[str, float]) -> float:
        z = self.intercept
        for name, c, m, s in zip(self.features, self.coef, self.mean, self.scale, strict=True):
            z += c * (values.get(name, 0.0) - m) / (s or 1.0)
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def fit_weight_model(
    x: Sequence[np.ndarray],
    ndcg: Sequence[np.ndarray],
    best_leg: Sequence[float],
    *,
    fit_info: dict[str, Any],
    cap: float = CAP,
    seed: int = 0,
    iters: int = 4000,
) -> WeightModel:
    """Fit on several datasets at once. Per dataset ``i``: ``x[i]`` one feature row per question,
    ``ndcg[i]`` that question's nDCG@10 at every dense weight of :data:`GRID`, ``best_leg[i]`` the
    dataset's nDCG@10 with its better single leg.

    The objective is the datasets' mean of ``min(nDCG - best_leg, cap)``: gains above ``cap`` on one
    dataset cannot buy a loss to the best leg on another (the target is never losing to a leg). It
    is piecewise constant in the parameters, so it is searched by a seeded random walk (deterministic)
    with a small L2 penalty on the coefficients."""
    pooled = np.concatenate(list(x))
    mean, scale = pooled.mean(axis=0), pooled.std(axis=0)
    scale[scale == 0] = 1.0
    xs = [(xi - mean) / scale for xi in x]
    grid_last = len(GRID) - 1

    def objective(theta: np.ndarray) -> float:
        total = 0.0
        for xi, ni, bl in zip(xs, ndcg, best_leg, strict=True):
            w = 1.0 / (1.0 + np.exp(-(theta[0] + xi @ theta[1:])))
            idx = np.clip(np.rint(w * grid_last).astype(int), 0, grid_last)
            total += min(float(ni[np.arange(len(idx)), idx].mean()) - bl, cap)
        return total / len(xs) - 0.0005 * float(np.sum(theta[1:] ** 2))

    best_theta, best_value = None, -math.inf
    for restart in range(3):
        rng = np.random.default_rng(seed + restart)
        theta = np.zeros(len(FEATURES) + 1)
        theta[0] = math.log(0.7 / 0.3)  # start at the fixed default
        value, step = objective(theta), 1.0
        for it in range(iters):
            cand = theta + rng.normal(0.0, step, theta.shape) * (rng.random(theta.shape) < 0.6)
            cand_value = objective(cand)
            if cand_value >= value:
                theta, value = cand, cand_value
            if it % 800 == 799:
                step *= 0.6
        if value > best_value:
            best_theta, best_value = theta, value
    assert best_theta is not None
    return WeightModel(
        coef=[round(float(v), 6) for v in best_theta[1:]],
        intercept=round(float(best_theta[0]), 6),
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
        fit={**fit_info, "objective": round(best_value, 6), "cap": cap, "seed": seed},
    )


def load_weight_model(path: Path) -> WeightModel:
    """The model in ``path``, re-read when the file changes."""
    return WeightModel.load_cached(path)


def weight_model_for(data_dir: Path | None) -> WeightModel:
    """``DATA_DIR/fusion_weight.json`` when there is one, else the bundled model."""
    own = data_dir / MODEL_FILE if data_dir is not None else None
    return load_weight_model(own if own is not None and own.is_file() else BUNDLED)

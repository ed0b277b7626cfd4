"""A standardised logistic regression stored as JSON: the shared shape of the small learned models.

The adaptive fusion ranker (:mod:`indexes.ranker`) and the answer confidence
(:mod:`assist.confidence`) are both a logistic regression over named features, fitted on
standardised inputs with scikit-learn and saved with the fingerprint of the data they were fitted
on. This module holds that shape once: the fields, the JSON round trip, the atomic save and the fit.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np


@dataclass
class StandardLogistic:
    """``sigmoid(intercept + sum(coef * (x - mean) / scale))`` over :attr:`features`."""

    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]
    features: tuple[str, ...] = ()
    fit: dict[str, Any] = field(default_factory=dict)

    def predict(self, values: Mapping[str, float]) -> float:
        """The probability for named feature values (a missing one counts as 0), rounded to 4 places."""
        z = self.intercept
        for name, c, m, s in zip(self.features, self.coef, self.mean, self.scale, strict=True):
            z += c * (values.get(name, 0.0) - m) / (s or 1.0)
        return round(1 / (1 + math.exp(-max(min(z, 40.0), -40.0))), 4)

    @classmethod
    def fitted_on(cls, x: np.ndarray, labels: Sequence[int], *, fit_info: Mapping[str, Any]) -> Self:
        """A model of this class fitted on feature rows ``x`` and 0/1 ``labels`` (C 1, 1000
        iterations), its fit record ``fit_info`` with the rows and positives counted."""
        fitted = fit_standard_logistic(x, np.asarray(labels), c=1.0, max_iter=1000)
        return cls(
            coef=fitted.coef,
            intercept=fitted.intercept,
            mean=fitted.mean,
            scale=fitted.scale,
            fit={**fit_info, "rows": len(x), "positives": int(sum(labels))},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": self.coef,
            "intercept": self.intercept,
            "mean": self.mean,
            "scale": self.scale,
            "fit": self.fit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(
            coef=[float(x) for x in data["coef"]],
            intercept=float(data["intercept"]),
            mean=[float(x) for x in data["mean"]],
            scale=[float(x) for x in data["scale"]],
            features=tuple(data["features"]),
            fit=dict(data.get("fit") or {}),
        )

    @classmethod
    def load_cached(cls, path: Path) -> Self:
        """The model in ``path``, read once and re-read when the file changes (one cache for
        every model class, keyed by class, path and modification time)."""
        key = (cls, str(path.resolve()), path.stat().st_mtime_ns)
        with _LOAD_LOCK:
            if key not in _LOADED:
                _LOADED[key] = cls.from_json(json.loads(path.read_text(encoding="utf-8")))
            model = _LOADED[key]
        assert isinstance(model, cls)
        return model

    def save(self, path: Path) -> None:
        """Write the model atomically (a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)


_LOADED: dict[tuple[type, str, int], StandardLogistic] = {}
_LOAD_LOCK = threading.Lock()


@dataclass(frozen=True)
class Fitted:
    """Rounded parameters of one fit, ready for a :class:`StandardLogistic` subclass."""

    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]


def fit_standard_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    c: float = 1.0,
    max_iter: int = 1000,
    sample_weight: np.ndarray | None = None,
) -> Fitted:
    """Standardise the columns of ``x`` (constant columns keep scale 1) and fit a logistic regression."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=max_iter)
    model.fit((x - mean) / scale, y, sample_weight=sample_weight)
    return Fitted(
        coef=[round(float(v), 6) for v in model.coef_[0]],
        intercept=round(float(model.intercept_[0]), 6),
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
    )

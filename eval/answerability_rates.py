"""Rates of an answerability run at a threshold: coverage, wrong-answer, false-answer and
correct-answer rates (see :mod:`eval.answerability` for their definitions), a threshold sweep,
and the lowest threshold that keeps the false-answer rate under a target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["SWEEP_STEP", "far_threshold", "rates", "sweep"]

SWEEP_STEP = 0.02


def _answered(row: dict[str, Any], threshold: float) -> bool:
    return bool(row["composed"]) and float(row["confidence"]) >= threshold


def rates(rows: Sequence[dict[str, Any]], threshold: float) -> dict[str, float | int | None]:
    """Coverage, wrong-answer, false-answer and correct-answer rates at one threshold."""
    ins = [r for r in rows if r["answerable"]]
    outs = [r for r in rows if not r["answerable"]]
    answered = [r for r in ins if _answered(r, threshold)]
    wrong = sum(1 for r in answered if not r["correct"])
    false = sum(1 for r in outs if _answered(r, threshold))
    return {
        "threshold": threshold,
        "coverage": len(answered) / len(ins) if ins else None,
        "wrong_answer_rate": wrong / len(answered) if answered else None,
        "far": false / len(outs) if outs else None,
        "correct_answer_rate": (len(answered) - wrong) / len(ins) if ins else None,
        "n_answered": len(answered) + false,
    }


def sweep(rows: Sequence[dict[str, Any]], step: float = SWEEP_STEP) -> list[dict[str, float | int | None]]:
    """:func:`rates` at 0, step, 2·step, …, 1."""
    n = round(1 / step)
    return [rates(rows, round(i * step, 6)) for i in range(n + 1)]


def far_threshold(rows: Sequence[dict[str, Any]], target_far: float) -> float | None:
    """The lowest threshold (4 decimals, rounded up) whose false-answer rate is ≤ ``target_far``.

    None when there are no unanswerable questions, or only a threshold above 1 (never answering)
    would reach the target."""
    outs = [r for r in rows if not r["answerable"]]
    if not outs:
        return None
    scores = sorted({float(r["confidence"]) for r in rows if r["composed"]})
    top = scores[-1] if scores else 0.0

    def far(t: float) -> float:
        return sum(_answered(r, t) for r in outs) / len(outs)

    for t in [0.0, *scores, math.nextafter(top, math.inf)]:
        if far(t) <= target_far + 1e-12:
            value = math.ceil(t * 10_000 - 1e-9) / 10_000
            return value if value <= 1.0 and far(value) <= target_far + 1e-12 else None
    return None

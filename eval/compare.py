"""Comparing a run's metrics with a baseline report: diffs, and regressions beyond a tolerance.

Higher is better for every metric except false-answer / error rates (lower is better). Timings,
throughput and memory (machine-dependent) and bookkeeping values (``n_*``, thresholds, cluster
counts, abstention and noise shares) are shown but never flagged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.errors import DatasetError

__all__ = ["Comparison", "DiffRow", "compare", "dataset_changes", "direction", "load_baseline"]

_LOWER = re.compile(r"(^|/)(far|false_answer|error_rate|wrong_|claim_rate|labelled_claim_rate|brier)")
_NEUTRAL = re.compile(
    r"(^|/)(n_|clusters|singleton_clusters|abstention_rate|noise_share|cache_|size_|embedded_chunks|mean_chunk)"
    r"|threshold|_ms(_|\b)|_s$|latency|rss|per_s|_qps|throughput|(^|/)p\d+$"
)


def direction(metric: str) -> str:
    """``"higher"``, ``"lower"`` or ``"none"`` (not judged)."""
    if _NEUTRAL.search(metric):
        return "none"
    if _LOWER.search(metric):
        return "lower"
    return "higher"


@dataclass(frozen=True)
class DiffRow:
    metric: str
    baseline: float | None
    current: float | None
    delta: float | None
    direction: str
    regressed: bool


@dataclass
class Comparison:
    baseline_path: str
    tolerance: float
    rows: list[DiffRow] = field(default_factory=list)

    @property
    def regressions(self) -> list[DiffRow]:
        return [r for r in self.rows if r.regressed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline_path,
            "tolerance": self.tolerance,
            "regressions": [r.metric for r in self.regressions],
            "rows": [r.__dict__ for r in self.rows],
        }


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DatasetError(path, "baseline report not found", hint="pass an existing report.json") from exc
    except (OSError, ValueError) as exc:
        raise DatasetError(path, f"baseline is not a readable JSON report: {exc}") from exc
    if not isinstance(report, dict) or not isinstance(report.get("metrics"), dict):
        raise DatasetError(path, "baseline has no 'metrics' object; is it a report.json from `kms eval`?")
    return report


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compare(
    metrics: Mapping[str, object],
    baseline: Mapping[str, Any],
    *,
    tolerance: float = 0.02,
    baseline_path: str = "",
) -> Comparison:
    """Every metric in either run; a regression is a judged metric worse by more than ``tolerance``
    (absolute), or a judged baseline metric the current run no longer reports."""
    base = baseline.get("metrics", {})
    out = Comparison(baseline_path, tolerance)
    for name in list(dict.fromkeys([*base, *metrics])):
        old, new = _number(base.get(name)), _number(metrics.get(name))
        way = direction(name)
        delta = new - old if old is not None and new is not None else None
        regressed = False
        if way != "none" and old is not None:
            if new is None:
                regressed = name not in metrics
            elif delta is not None:
                regressed = (-delta if way == "higher" else delta) > tolerance + 1e-12
        out.rows.append(DiffRow(name, old, new, delta, way, regressed))
    return out


def dataset_changes(current: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[str]:
    """Input files whose content differs from the baseline's (or that only one run used)."""
    old = {f.get("path"): f.get("sha256") for f in baseline.get("files", []) if isinstance(f, dict)}
    new = {f.get("path"): f.get("sha256") for f in current.get("files", []) if isinstance(f, dict)}
    changed = [p for p in new if p in old and old[p] != new[p]]
    added = [p for p in new if p not in old]
    removed = [p for p in old if p not in new]
    return [f"changed: {p}" for p in changed] + [f"new: {p}" for p in added] + [f"gone: {p}" for p in removed]

"""``kms eval gaps-fit``: fit the gap verdict (:mod:`assist.drafts.gap_model`) on labelled runs.

Input: the ``report.json`` of ``kms eval gaps`` runs. Each holds, per topic the product found, the
verdict's four inputs and its gold (``details.verdicts``: is the intent most of its tickets have
one that no article covers?). Every topic whose inputs could be measured is a row; a dataset's
rows are one group.

Output: per dataset, the verdict errors (covered topics called gaps, uncovered ones not) of the
rules and of a model fitted **without that dataset** (leave one dataset out: what a new KB can
expect), their totals, and the model fitted on all rows, saved where asked with the datasets'
fingerprints and the embedding model of the runs (a model is only used with that model).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assist.drafts.gap_model import FEATURES, GapModel, fit_gap_model
from eval import plots
from eval.errors import EvalConfigError
from eval.result import EvalRun, Figure, Table

__all__ = ["FitSet", "load_fit_sets", "run_gap_fit"]


@dataclass(frozen=True)
class FitSet:
    """One labelled run: its dataset, embedder and topic rows (features, label, the rules' verdict)."""

    name: str
    dataset: dict[str, Any]
    embedder: str
    features: list[dict[str, float]]
    labels: list[int]
    rules: list[int]


def load_fit_sets(reports: Sequence[Path]) -> list[FitSet]:
    """The labelled topics of each ``kms eval gaps`` report (one line of error per unusable file)."""
    sets: list[FitSet] = []
    for path in reports:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EvalConfigError(f"{path}: not a readable report.json ({exc})") from exc
        if data.get("kind") != "gaps":
            raise EvalConfigError(f"{path}: a report of kms eval {data.get('kind')!r}, not of kms eval gaps")
        verdicts = (data.get("details") or {}).get("verdicts")
        if verdicts is None:
            raise EvalConfigError(
                f"{path}: no per-topic verdicts (written by kms eval gaps before they were kept)"
            )
        rows = [v for v in verdicts if v.get("verdict_features")]
        if not rows:
            raise EvalConfigError(f"{path}: no topic whose verdict inputs could be measured")
        name = str((data.get("dataset") or {}).get("name") or path.parent.name)
        if any(s.name == name for s in sets):
            raise EvalConfigError(f"{path}: dataset {name!r} given twice")
        sets.append(
            FitSet(
                name=name,
                dataset=dict(data.get("dataset") or {}),
                embedder=str(rows[0].get("embedder") or (data.get("config") or {}).get("embedder") or ""),
                features=[{f: float(r["verdict_features"][f]) for f in FEATURES} for r in rows],
                labels=[int(bool(r["uncovered"])) for r in rows],
                rules=[int(bool(r["rules_gap"])) for r in rows],
            )
        )
    embedders = {s.embedder for s in sets}
    if len(embedders) > 1:
        raise EvalConfigError(
            f"the reports were run with different embedding models: {', '.join(sorted(embedders))}"
        )
    return sets


def _errors(predicted: Sequence[int], labels: Sequence[int]) -> tuple[int, int]:
    """(covered topics called gaps, uncovered topics not called gaps)."""
    false_gap = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    missed = sum(1 for p, y in zip(predicted, labels, strict=True) if y and not p)
    return false_gap, missed


def _fit(sets: Sequence[FitSet], fit_info: Mapping[str, Any]) -> GapModel:
    rows = [f for s in sets for f in s.features]
    labels = [y for s in sets for y in s.labels]
    return fit_gap_model(rows, labels, fit_info=dict(fit_info))


def run_gap_fit(sets: Sequence[FitSet], *, threshold: float = 0.45) -> tuple[EvalRun, GapModel]:
    """Leave-one-dataset-out errors of the model against the rules, and the model fitted on all."""
    if len(sets) < 2:
        raise EvalConfigError(
            "give at least two reports: each dataset is scored by a model fitted on the others"
        )
    table: list[list[Any]] = []
    totals = {"rules_false_gap": 0, "rules_missed": 0, "model_false_gap": 0, "model_missed": 0}
    for held in sets:
        model = _fit([s for s in sets if s is not held], {})
        predicted = [int(model.predict(f) >= threshold) for f in held.features]
        rules = _errors(held.rules, held.labels)
        fitted = _errors(predicted, held.labels)
        totals["rules_false_gap"] += rules[0]
        totals["rules_missed"] += rules[1]
        totals["model_false_gap"] += fitted[0]
        totals["model_missed"] += fitted[1]
        table.append(
            [held.name, len(held.labels), sum(held.labels), *rules, sum(rules), *fitted, sum(fitted)]
        )
    fit_info = {
        "embedder": sets[0].embedder,
        "datasets": [s.dataset for s in sets],
        "threshold": threshold,
        "command": "kms eval gaps-fit",
    }
    model = _fit(sets, fit_info)
    topics = sum(len(s.labels) for s in sets)
    metrics: dict[str, float | int | None] = {
        "topics": topics,
        "rules_errors": totals["rules_false_gap"] + totals["rules_missed"],
        "lodo_errors": totals["model_false_gap"] + totals["model_missed"],
        **totals,
    }
    metrics["lodo_error_rate"] = round(int(metrics["lodo_errors"] or 0) / topics, 4) if topics else None
    run = EvalRun(
        kind="gaps-fit",
        primary_metric="lodo_error_rate",
        metrics=metrics,
        config={"features": list(FEATURES), "threshold": threshold, "embedder": sets[0].embedder},
        dataset={"name": "+".join(s.name for s in sets), "runs": [s.dataset for s in sets], "topics": topics},
        notes=[
            "model columns: a model fitted without that dataset (leave one dataset out)",
            "coefficients of the model fitted on all rows (standardised inputs): "
            + ", ".join(f"{f} {c:+.3f}" for f, c in zip(FEATURES, model.coef, strict=True)),
        ],
        tables=[
            Table(
                "갭 판정 오류 (Gap verdict errors per dataset)",
                [
                    "데이터 (dataset)",
                    "주제 (topics)",
                    "미포함 (uncovered)",
                    "규칙 오탐 (rules: false gap)",
                    "규칙 누락 (rules: missed)",
                    "규칙 합계 (rules: errors)",
                    "모델 오탐 (model: false gap)",
                    "모델 누락 (model: missed)",
                    "모델 합계 (model: errors)",
                ],
                table,
                note="model: fitted on the other datasets only",
            )
        ],
        figures=[
            Figure(
                "데이터별 판정 오류 (Verdict errors per dataset)",
                plots.bars(
                    {
                        "rules": {row[0]: float(row[5]) for row in table},
                        "model (leave one out)": {row[0]: float(row[8]) for row in table},
                    },
                    "Gap verdict errors per dataset",
                    "topics judged wrongly",
                ),
            )
        ],
        details={
            "model": model.to_json(),
            "per_dataset": {
                row[0]: dict(
                    zip(
                        (
                            "topics",
                            "uncovered",
                            "rules_false_gap",
                            "rules_missed",
                            "rules_errors",
                            "model_false_gap",
                            "model_missed",
                            "model_errors",
                        ),
                        row[1:],
                        strict=True,
                    )
                )
                for row in table
            },
        },
    )
    return run, model

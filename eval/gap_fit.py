"""``kms eval gaps-fit``: fit the gap verdict (:mod:`assist.drafts.gap_model`) on labelled runs.

Input: the ``report.json`` of ``kms eval gaps`` runs. Each holds, per topic the product found, the
verdict's four inputs and its gold (``details.verdicts``: the intent most of its tickets have, and
whether no article covers it). Every topic whose inputs could be measured is a row; a dataset's
rows are one group.

Output, per dataset, for the rules alone and for the rules overruled by a model fitted **without
that dataset** (leave one dataset out: what a new KB can expect) as the product decides
(``gap_veto`` / ``gap_override``):

- verdict errors: covered topics called gaps, uncovered topics missed;
- gap precision and recall as ``kms eval gaps`` counts them, with the run's drafts taken to be its
  gap topics (a topic's intent is its majority intent) - the run's own figures when nothing changes;

and the model fitted on all rows, saved where asked with the datasets' fingerprints and the
embedding model of the runs (the product uses a model only with that embedding model).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assist.drafts.gap_model import FEATURES, GapModel, fit_gap_model, overruled
from eval import plots
from eval.errors import EvalConfigError
from eval.result import EvalRun, Figure, Table

__all__ = ["FitSet", "load_fit_sets", "run_gap_fit"]


@dataclass(frozen=True)
class FitSet:
    """One labelled run: its dataset, embedder, uncovered intents and topic rows."""

    name: str
    dataset: dict[str, Any]
    embedder: str
    uncovered_intents: int
    features: list[dict[str, float]]
    labels: list[int]  # 1: most of the topic's tickets ask what no article covers
    rules: list[bool]
    intents: list[str]


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
        uncovered = (data.get("metrics") or {}).get("uncovered_intents")
        sets.append(
            FitSet(
                name=name,
                dataset=dict(data.get("dataset") or {}),
                embedder=str(rows[0].get("embedder") or (data.get("config") or {}).get("embedder") or ""),
                uncovered_intents=int(uncovered or len({r["intent"] for r in verdicts if r["uncovered"]})),
                features=[{f: float(r["verdict_features"][f]) for f in FEATURES} for r in rows],
                labels=[int(bool(r["uncovered"])) for r in rows],
                rules=[bool(r["rules_gap"]) for r in rows],
                intents=[str(r.get("intent", "")) for r in rows],
            )
        )
    embedders = {s.embedder for s in sets}
    if len(embedders) > 1:
        raise EvalConfigError(
            f"the reports were run with different embedding models: {', '.join(sorted(embedders))}"
        )
    return sets


def _score(fs: FitSet, gaps: Sequence[bool]) -> dict[str, float | int]:
    """Verdict errors, and gap precision/recall with the gap topics as the run's drafts."""
    false_gap = sum(1 for g, y in zip(gaps, fs.labels, strict=True) if g and not y)
    missed = sum(1 for g, y in zip(gaps, fs.labels, strict=True) if y and not g)
    drafted = {(i, y) for g, i, y in zip(gaps, fs.intents, fs.labels, strict=True) if g}
    hit = sum(1 for _, y in drafted if y)
    precision = hit / len(drafted) if drafted else 0.0
    recall = hit / fs.uncovered_intents if fs.uncovered_intents else 0.0
    return {
        "false_gap": false_gap,
        "missed": missed,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }


def _fit(sets: Sequence[FitSet], fit_info: Mapping[str, Any]) -> GapModel:
    rows = [f for s in sets for f in s.features]
    labels = [y for s in sets for y in s.labels]
    return fit_gap_model(rows, labels, fit_info=dict(fit_info))


def run_gap_fit(
    sets: Sequence[FitSet], *, veto: float = 0.4, override: float = 0.7
) -> tuple[EvalRun, GapModel]:
    """Leave-one-dataset-out verdicts of the rules overruled by the model against the rules alone,
    and the model fitted on all the datasets."""
    if len(sets) < 2:
        raise EvalConfigError(
            "give at least two reports: each dataset is scored by a model fitted on the others"
        )
    per: dict[str, dict[str, dict[str, float | int]]] = {}
    for held in sets:
        model = _fit([s for s in sets if s is not held], {})
        fitted = [
            overruled(r, model.predict(f), veto=veto, override=override)
            for f, r in zip(held.features, held.rules, strict=True)
        ]
        per[held.name] = {"rules": _score(held, held.rules), "model": _score(held, fitted)}
    info = {"embedder": sets[0].embedder, "datasets": [s.dataset for s in sets]}
    model = _fit(sets, {**info, "gap_veto": veto, "gap_override": override, "command": "kms eval gaps-fit"})
    metrics: dict[str, float | int | None] = {"topics": sum(len(s.labels) for s in sets)}
    for side in ("rules", "model"):
        for key in ("false_gap", "missed"):
            metrics[f"{side}_{key}"] = sum(int(p[side][key]) for p in per.values())
        for key in ("precision", "recall"):
            metrics[f"{side}_mean_{key}"] = round(
                sum(float(p[side][key]) for p in per.values()) / len(per), 4
            )
        p_, r_ = float(metrics[f"{side}_mean_precision"] or 0), float(metrics[f"{side}_mean_recall"] or 0)
        metrics[f"{side}_f1_of_means"] = round(2 * p_ * r_ / (p_ + r_), 4) if p_ + r_ else 0.0
    rows = [
        [s.name, len(s.labels), s.uncovered_intents]
        + [
            per[s.name][side][k]
            for side in ("rules", "model")
            for k in ("false_gap", "missed", "precision", "recall")
        ]
        for s in sets
    ]
    run = EvalRun(
        kind="gaps-fit",
        primary_metric="model_f1_of_means",
        metrics=metrics,
        config={
            "features": list(FEATURES),
            "gap_veto": veto,
            "gap_override": override,
            "embedder": sets[0].embedder,
        },
        dataset={
            "name": "+".join(s.name for s in sets),
            "runs": [s.dataset for s in sets],
            "topics": metrics["topics"],
        },
        notes=[
            "model columns: the rules overruled by a model fitted without that dataset "
            "(leave one dataset out)",
            "precision/recall: the run's gap topics taken as its drafts (update proposals not told apart)",
            "coefficients of the model fitted on all rows (standardised inputs): "
            + ", ".join(f"{f} {c:+.3f}" for f, c in zip(FEATURES, model.coef, strict=True)),
        ],
        tables=[
            Table(
                "갭 판정 (Gap verdicts per dataset: rules, and rules overruled by the model)",
                ["데이터 (dataset)", "주제 (topics)", "미포함 의도 (uncovered intents)"]
                + [
                    f"{side}: {what}"
                    for side in ("규칙 (rules)", "모델 (model)")
                    for what in ("오탐 (false gap)", "누락 (missed)", "P", "R")
                ],
                rows,
                note=f"model: fitted on the other datasets; a gap below {veto} is vetoed, a covered "
                f"topic from {override} up overruled",
            )
        ],
        figures=[
            Figure(
                "데이터별 갭 재현율·정밀도 (Gap precision and recall per dataset)",
                plots.bars(
                    {
                        f"{side} {k}": {name: float(p[side][k]) for name, p in per.items()}
                        for side in ("rules", "model")
                        for k in ("precision", "recall")
                    },
                    "Gap precision / recall per dataset (leave one dataset out)",
                ),
            )
        ],
        details={"model": model.to_json(), "per_dataset": per},
    )
    return run, model

"""The fitted gap verdict (assist.drafts.gap_model) and its fit (kms eval gaps-fit, eval.gap_fit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assist.drafts.config import DraftSettings
from assist.drafts.gap_model import BUNDLED, FEATURES, GapModel, fit_gap_model, load_gap_model
from assist.drafts.gaps import Coverage, assess
from eval.errors import EvalConfigError
from eval.gap_fit import load_fit_sets, run_gap_fit


def _model(embedder: str = "e5-test") -> GapModel:
    # a gap when the tickets sit far from the scripts and the article fits another topic better
    rows = [
        {"unasked": u, "own_margin": m, "nearest_share": s, "missing_keywords": k}
        for u, m, s, k in [
            (0.05, -0.03, 0.4, 2),
            (0.04, -0.02, 0.5, 1),
            (0.06, -0.01, 0.6, 2),
            (0.03, -0.04, 0.3, 0),
            (0.00, 0.02, 0.9, 0),
            (0.01, 0.01, 0.8, 1),
            (0.005, 0.03, 0.95, 0),
            (0.02, 0.00, 0.85, 0),
        ]
    ]
    return fit_gap_model(rows, [1, 1, 1, 1, 0, 0, 0, 0], fit_info={"embedder": embedder})


def test_the_probability_rises_with_unasked_and_falls_with_the_articles_own_margin() -> None:
    model = _model()
    base = {"unasked": 0.02, "own_margin": 0.0, "nearest_share": 0.7, "missing_keywords": 1.0}
    p = model.predict(base)
    assert 0 < p < 1
    assert model.predict({**base, "unasked": 0.06}) > p > model.predict({**base, "unasked": -0.01})
    assert model.predict({**base, "own_margin": -0.04}) > p > model.predict({**base, "own_margin": 0.04})
    again = GapModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.predict(base) == p and again.features == FEATURES
    assert model.fits_embedder("e5-test") and not model.fits_embedder("hash-64")
    with pytest.raises(ValueError, match="both covered and uncovered"):
        fit_gap_model([base, base], [1, 1], fit_info={})


def test_the_data_dirs_model_comes_first_then_the_bundled_one(tmp_path: Path) -> None:
    assert load_gap_model(None) == load_gap_model(tmp_path) == GapModel.load_cached(BUNDLED)
    _model("mine").save(tmp_path / "gap_model.json")
    mine = load_gap_model(tmp_path)
    assert mine is not None and mine.fit["embedder"] == "mine"
    (tmp_path / "gap_model.json").write_text("{not json", encoding="utf-8")
    assert load_gap_model(tmp_path) == GapModel.load_cached(BUNDLED)  # unreadable: the next one


def test_the_model_overrules_the_rules_where_it_is_sure_and_only_where_its_inputs_are_measured() -> None:
    cfg = DraftSettings()
    model = _model()
    rows, ids = [0, 1, 2, 3], ["a", "b", "c", "d"]
    # cosine rules: covered (0.93, no missing keyword); the model is sure of a gap: overruled
    cov = Coverage(best=np.full(4, 0.93, dtype=np.float32), articles=["KB-1", "KB-1", "KB-2", "KB-3"])
    gap = assess(rows, ids, cov, {}, cfg, fit=(0.86, 0.90), unasked=lambda: 0.05, model=model)
    assert gap.probability is not None and gap.probability >= cfg.gap_override
    assert gap.is_gap and gap.rules_gap is False
    assert gap.features == {"unasked": 0.05, "own_margin": pytest.approx(-0.04), "nearest_share": 0.5,
                            "missing_keywords": 0.0}  # fmt: skip
    assert gap.verdict_json()["rules_gap"] is False and gap.as_json()["gap_probability"] == gap.probability
    # ... only sure: between veto and override the rules stand
    unsure = cfg.model_copy(update={"gap_override": 0.999})
    assert not assess(rows, ids, cov, {}, unsure, fit=(0.86, 0.90), unasked=lambda: 0.05, model=model).is_gap
    # cosine rules: a gap (0.85); the model is sure the owned, script-asked article covers it: vetoed
    low = Coverage(best=np.full(4, 0.85, dtype=np.float32), articles=["KB-1"] * 4)
    covered = assess(rows, ids, low, {}, cfg, fit=(0.90, 0.87), unasked=lambda: 0.013, model=model)
    assert covered.probability is not None and covered.probability < cfg.gap_veto
    assert not covered.is_gap and covered.rules_gap is True
    # no rival topic in the run, no script question near it, or no model: the rules decide
    alone = assess(rows, ids, cov, {}, cfg, fit=(0.86, 0.0), unasked=lambda: 0.05, model=model)
    assert alone.probability is None and not alone.is_gap
    unscripted = assess(rows, ids, cov, {}, cfg, fit=(0.86, 0.90), unasked=lambda: None, model=model)
    assert unscripted.probability is None and unscripted.features is None
    rules = assess(rows, ids, cov, {}, cfg, fit=(0.86, 0.90), unasked=lambda: 0.05)
    assert rules.probability is None and rules.features == gap.features  # recorded for a fit
    assert rules.verdict_json()["rules_gap"] == rules.is_gap


def _report(path: Path, name: str, rows: list[tuple[float, float, bool, bool]], **over: Any) -> Path:
    verdicts = [
        {
            "verdict_features": {
                "unasked": u,
                "own_margin": m,
                "nearest_share": 0.7,
                "missing_keywords": 1.0,
            },
            "rules_gap": rule,
            "uncovered": unc,
            "intent": f"{'u' if unc else 'c'}{k}",
            "embedder": "e5-test",
        }
        for k, (u, m, rule, unc) in enumerate(rows)
    ] + [{"verdict_features": None, "rules_gap": True, "uncovered": True, "intent": "x"}]  # not measurable
    data = {"kind": "gaps", "dataset": {"name": name}, "details": {"verdicts": verdicts}, **over}
    path.mkdir(parents=True, exist_ok=True)
    (path / "report.json").write_text(json.dumps(data), encoding="utf-8")
    return path / "report.json"


def test_gaps_fit_scores_each_dataset_with_a_model_fitted_on_the_others(tmp_path: Path) -> None:
    gaps = [(0.05, -0.03), (0.04, -0.02), (0.06, -0.01)]
    covered = [(0.0, 0.02), (0.01, 0.01), (0.005, 0.03)]
    reports = [
        _report(
            tmp_path / name,
            name,
            [(u, m, rule_gap, True) for u, m in gaps] + [(u, m, True, False) for u, m in covered],
        )
        for name, rule_gap in (("one", True), ("two", False), ("three", True))
    ]
    sets = load_fit_sets(reports)
    assert [len(s.labels) for s in sets] == [6, 6, 6] and sets[0].uncovered_intents == 4  # x counts
    run, model = run_gap_fit(sets, veto=0.4, override=0.7)
    per = run.details["per_dataset"]
    # the rules called every covered topic a gap (and in "two" missed every gap): P 3/6, R 3/4
    assert per["one"]["rules"] == {"false_gap": 3, "missed": 0, "precision": 0.5, "recall": 0.75}
    assert per["two"]["rules"] == {"false_gap": 3, "missed": 3, "precision": 0.0, "recall": 0.0}
    assert per["one"]["model"] == {"false_gap": 0, "missed": 0, "precision": 1.0, "recall": 0.75}
    assert per["two"]["model"]["missed"] == 0 and per["two"]["model"]["false_gap"] == 0
    assert run.metrics["rules_false_gap"] == 9 and run.metrics["model_false_gap"] == 0
    assert model.fit["embedder"] == "e5-test" and model.fit["rows"] == 18 and run.figures
    assert len(run.tables[0].rows) == 3
    with pytest.raises(EvalConfigError, match="at least two"):
        run_gap_fit(sets[:1])


def test_gaps_fit_names_the_report_it_cannot_use(tmp_path: Path) -> None:
    good = _report(tmp_path / "a", "a", [(0.05, -0.03, True, True), (0.0, 0.02, False, False)])
    other = _report(tmp_path / "b", "b", [(0.05, -0.03, True, True)], kind="safety")
    with pytest.raises(EvalConfigError, match=r"b/report\.json: a report of kms eval 'safety'"):
        load_fit_sets([good, other])
    with pytest.raises(EvalConfigError, match="given twice"):
        load_fit_sets([good, good])
    old = tmp_path / "c" / "report.json"
    old.parent.mkdir()
    old.write_text(json.dumps({"kind": "gaps", "details": {}}), encoding="utf-8")
    with pytest.raises(EvalConfigError, match="no per-topic verdicts"):
        load_fit_sets([old])
    with pytest.raises(EvalConfigError, match=r"not a readable report\.json"):
        load_fit_sets([tmp_path / "missing.json"])


def test_the_review_note_says_how_the_gap_was_found() -> None:
    from assist.drafts.compose import review_notes

    cfg = DraftSettings()
    rows, ids = [0, 1, 2, 3], ["a", "b", "c", "d"]
    cov = Coverage(best=np.full(4, 0.93, dtype=np.float32), articles=["KB-1", "KB-1", "KB-2", "KB-3"])
    overruled = assess(rows, ids, cov, {}, cfg, fit=(0.86, 0.90), unasked=lambda: 0.05, model=_model())
    note = review_notes(overruled, [])[0]
    assert "유사도(중앙값 0.93)로는 다루는 문서가 있어 보이지만" in note and "(차이 0.050)" in note
    assert f"미포함 확률 {overruled.probability:.2f}" in note and "낮아" not in note
    low = Coverage(best=np.full(4, 0.85, dtype=np.float32), articles=["KB-1"] * 4)
    by_rules = assess(rows, ids, low, {}, cfg, keywords=["제휴", "청구할인"])
    assert review_notes(by_rules, []) == [
        "기존 문서와의 유사도(중앙값 0.85)가 낮아 이 주제를 다루는 문서가 없습니다. "
        "어느 문서에도 없는 핵심어: 제휴, 청구할인."
    ]

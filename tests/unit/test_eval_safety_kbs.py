"""`kms eval safety-kbs`: several support KBs, each in its own index, scored pooled and per KB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.cli.app import app
from core.settings import Settings
from eval.cli import safety_commands  # noqa: F401  (registers the command)
from eval.errors import EvalConfigError
from eval.safety_kbs import run_safety_kbs

ARTICLE = """---
id: {id}
title: {title}
---
# {title}
## 요약
{body}
## 정책
- {body}
"""

KBS = {
    "gas": (
        "GS-1",
        "가스 요금 납부",
        "가스 요금은 매월 25일에 자동이체로 납부됩니다.",
        "가스 요금은 언제 납부되나요?",
    ),
    "gym": (
        "GY-1",
        "회원권 정지",
        "회원권은 연 2회까지 최대 30일 정지할 수 있습니다.",
        "회원권 정지는 몇 번까지 되나요?",
    ),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Two KBs of one article each; each asks one question of its own and one off-domain one."""
    root = tmp_path / "kbs"
    for kb, (doc, title, body, question) in KBS.items():
        (root / kb / "articles").mkdir(parents=True)
        (root / kb / "articles" / f"{doc}.md").write_text(
            ARTICLE.format(id=doc, title=title, body=body), encoding="utf-8"
        )
        rows = [
            {
                "qid": f"{kb}-1",
                "class": "direct",
                "question": question,
                "expected": {"doc_id": doc, "sections": ["policy", "summary"]},
            },
            {
                "qid": f"{kb}-2",
                "class": "off_domain",
                "question": "김치찌개 끓이는 법",
                "expected": "abstain",
            },
        ]
        (root / kb / "questions.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    (root / "notes").mkdir()  # neither articles nor questions: not a KB
    return root


def test_every_kb_is_answered_in_its_own_index_and_pooled(
    root: Path, settings: Settings, tmp_path: Path
) -> None:
    run = run_safety_kbs(settings, root=root, threshold=0.0, cache=tmp_path / "cache")
    m = run.metrics
    assert m["n_kbs"] == 2 and m["all/n_rows"] == 4 and run.config["kbs"] == ["gas", "gym"]
    # at threshold 0 every answerable row is answered, each from its own KB's article
    assert m["all/coverage"] == 1.0 and m["all/wrong_answer_rate"] == 0.0
    for kb, (doc, *_) in KBS.items():
        assert m[f"kb/{kb}/n_rows"] == 2 and m[f"kb/{kb}/coverage"] == 1.0
        row = next(r for r in run.per_query if r["qid"] == f"{kb}-1")
        assert row["kb"] == kb and row["cited"] == doc
    assert {t.title.split(" (")[0] for t in run.tables} == {"KB별 결과", "분류별 결과, 전체"}
    per_kb = next(t for t in run.tables if t.title.startswith("KB별"))
    assert [r[0] for r in per_kb.rows] == ["gas", "gym"]
    assert len(run.figures) == 3 and all(f.png_base64 for f in run.figures)
    assert len(run.details["sweep"]) == 51 and run.dataset["queries"] == 4
    assert (tmp_path / "cache" / "fresh-kb-gas-index").is_dir()  # shared with kms eval fusion


def test_a_subset_and_the_threshold(root: Path, settings: Settings) -> None:
    run = run_safety_kbs(settings, root=root, names=["gym"], threshold=1.0)
    assert run.config["kbs"] == ["gym"] and "kb/gas/coverage" not in run.metrics
    assert run.metrics["all/coverage"] == 0.0 and run.metrics["threshold"] == 1.0
    assert run.metrics["all/abstention_on_unanswerable"] == 1.0


def test_unknown_kb_or_empty_root_is_a_config_error(root: Path, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(EvalConfigError, match="unknown KB 'bank'"):
        run_safety_kbs(settings, root=root, names=["bank"])
    with pytest.raises(EvalConfigError, match="no KB folders"):
        run_safety_kbs(settings, root=tmp_path / "none")


def test_the_command_writes_a_report(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    out = tmp_path / "run"
    args = ["eval", "safety-kbs", "--root", str(root), "--kbs", "gas", "--threshold", "0", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["kind"] == "safety_kbs" and report["primary_metric"] == "all/wrong_answer_rate"
    assert report["metrics"]["kb/gas/coverage"] == 1.0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "KB별 결과" in html and html.count("data:image/png;base64,") == 3
    bad = CliRunner().invoke(app, ["eval", "safety-kbs", "--root", str(root), "--kbs", "nope"])
    assert bad.exit_code != 0 and "unknown KB 'nope'" in bad.output

"""`kms eval …` / `kms bench` end to end on tiny corpora (hash embedder), reports and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.cli.app import app
from eval import report as report_module
from eval import retrieval as retrieval_module
from eval.cli import eval_commands  # noqa: F401  (registers the commands)
from eval.compare import compare, dataset_changes, direction
from tests.datafiles import write_jsonl

DOCS = [
    {
        "doc_id": "refund",
        "title": "환불 안내",
        "text": "환불은 주문 취소 후 영업일 기준 3~5일 이내에 처리됩니다.",
    },
    {
        "doc_id": "delivery",
        "title": "배송 지연",
        "text": "배송이 지연되면 문자로 안내합니다. 택배사 사정으로 늦어질 수 있습니다.",
    },
    {
        "doc_id": "password",
        "title": "비밀번호 재설정",
        "text": "로그인 화면에서 비밀번호 찾기를 누르고 휴대폰 인증을 하세요.",
    },
    {
        "doc_id": "coupon",
        "title": "쿠폰 사용",
        "body": "쿠폰은 결제 화면에서 적용하며 한 주문에 한 장만 쓸 수 있습니다.",
    },
]
QUERIES = [
    {
        "qid": "q1",
        "question": "환불 언제 되나요",
        "doc_id": "refund",
        "reference_answer": "3~5일 이내에 처리됩니다.",
    },
    {"qid": "q2", "question": "택배가 늦어요", "doc_id": "delivery"},
    {"qid": "q3", "question": "비밀번호를 잊어버렸어요", "doc_ids": ["password"]},
    {"qid": "q4", "question": "쿠폰 두 장 쓸 수 있나요", "doc_id": "coupon"},
    {"qid": "q5", "question": "오늘 날씨 어때요", "in_scope": False},
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_jsonl(tmp_path / "corpus.jsonl", DOCS), write_jsonl(tmp_path / "queries.jsonl", QUERIES)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    return CliRunner()


def test_retrieval_writes_json_and_html(runner: CliRunner, files: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, queries = files
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "eval",
            "retrieval",
            "--corpus",
            str(corpus),
            "--queries",
            str(queries),
            "--out",
            str(out),
            "--weights",
            "0.2,0.4",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["primary_metric"] == "hybrid/ndcg@10" and report["primary_value"] is not None
    for config in ("dense", "bm25", "hybrid", "weighted@0.2", "weighted@0.4"):
        for metric in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"):
            assert 0.0 <= report["metrics"][f"{config}/{metric}"] <= 1.0
    assert [f["rows"] for f in report["dataset"]["files"]] == [4, 5]
    assert len(report["dataset"]["files"][0]["sha256"]) == 64
    assert report["versions"]["numpy"] and report["timings_s"]["build_index"] >= 0
    assert report["metrics"]["n_queries"] == 4  # the out-of-scope row has no gold
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "재현율" in html and "(Recall)" in html
    assert all(html.count(f["sha256"]) == 1 for f in report["dataset"]["files"])  # the fingerprint once
    rows = [json.loads(line) for line in (out / "per_query.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["first_rank"].keys() >= {"dense", "bm25", "hybrid"}
    assert "best configuration" in result.output or "★" in result.output


def test_baseline_diff_and_fail_on_regression(
    runner: CliRunner, files: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, queries = files
    args = ["eval", "retrieval", "--corpus", str(corpus), "--queries", str(queries)]
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "base")]).exit_code == 0
    baseline = tmp_path / "base" / "report.json"
    same = runner.invoke(
        app, [*args, "--out", str(tmp_path / "same"), "--baseline", str(baseline), "--fail-on-regression"]
    )
    assert same.exit_code == 0, same.output
    inflated = json.loads(baseline.read_text(encoding="utf-8"))
    inflated["metrics"]["hybrid/mrr@10"] = 1.5  # unreachable: the new run must regress on it
    inflated["metrics"]["dense/search_ms_p50"] = 0.0  # timings are never judged
    worse = tmp_path / "inflated.json"
    worse.write_text(json.dumps(inflated), encoding="utf-8")
    result = runner.invoke(
        app, [*args, "--out", str(tmp_path / "new"), "--baseline", str(worse), "--fail-on-regression"]
    )
    assert result.exit_code == 1, result.output
    assert "hybrid/mrr@10" in result.output
    comparison = json.loads((tmp_path / "new" / "report.json").read_text(encoding="utf-8"))["comparison"]
    assert comparison["regressions"] == ["hybrid/mrr@10"]
    assert "회귀" in (tmp_path / "new" / "report.html").read_text(encoding="utf-8")
    no_fail = runner.invoke(app, [*args, "--out", str(tmp_path / "new2"), "--baseline", str(worse)])
    assert no_fail.exit_code == 0


def test_compare_directions_and_tolerance() -> None:
    assert direction("hybrid/recall@5") == "higher"
    assert direction("abstention/far@far0.1") == "lower"
    for neutral in (
        "n10000/search_ms_p95",
        "n_queries",
        "recommended_threshold",
        "hybrid/search_ms_p50",
        "embed_chunks_per_s",
        "n1000/faiss_build_s",
        "agglomerative/clusters",
        "n1000/search_qps",
    ):
        assert direction(neutral) == "none", neutral
    assert direction("coverage@far0.1") == "higher" and direction("answers/groundedness") == "higher"
    base = {"metrics": {"a/recall@5": 0.80, "far@far0.1": 0.05, "gone/ndcg@10": 0.5}}
    cmp = compare({"a/recall@5": 0.79, "far@far0.1": 0.08}, base, tolerance=0.02)
    assert [r.metric for r in cmp.regressions] == ["far@far0.1", "gone/ndcg@10"]
    missing = compare({"a/recall@5": 0.77}, base, tolerance=0.05).regressions  # recall within tolerance
    assert [r.metric for r in missing] == ["far@far0.1", "gone/ndcg@10"]


def test_bad_row_is_a_friendly_error(runner: CliRunner, files: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"qid": "a", "question": "x", "doc_id": "refund"}\n{"qid": "b" "question": 1}\n', encoding="utf-8"
    )
    result = runner.invoke(
        app,
        ["eval", "retrieval", "--corpus", str(corpus), "--queries", str(bad), "--out", str(tmp_path / "r")],
    )
    assert result.exit_code == 2
    assert f"{bad}:2: invalid JSON" in result.output.replace("\n", "")
    assert not (tmp_path / "r").exists()
    missing = runner.invoke(app, ["eval", "retrieval", "--out", str(tmp_path / "r")])
    assert missing.exit_code == 2 and "--corpus" in missing.output


def test_interrupted_run_leaves_no_report(
    runner: CliRunner, files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, queries = files
    calls = {"n": 0}
    original = retrieval_module.index_searcher

    def failing_searcher(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        search = original(*args, **kwargs)  # type: ignore[arg-type]

        def wrapped(*a: object):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == 6:
                raise RuntimeError("simulated crash midway")
            return search(*a)  # type: ignore[arg-type]

        return wrapped

    monkeypatch.setattr(retrieval_module, "index_searcher", failing_searcher)
    args = [
        "eval",
        "retrieval",
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--out",
        str(tmp_path / "r"),
    ]
    result = runner.invoke(app, args)
    assert isinstance(result.exception, RuntimeError) and calls["n"] == 6
    assert not (tmp_path / "r").exists()
    monkeypatch.undo()
    # a crash while writing (after some files exist) leaves neither a partial folder nor a report,
    # and an existing report survives
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    assert runner.invoke(app, args).exit_code == 0
    before = (tmp_path / "r" / "report.json").read_text(encoding="utf-8")

    def broken_html(*_: object, **__: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_module, "render_html", broken_html)
    assert isinstance(runner.invoke(app, args).exception, RuntimeError)
    assert (tmp_path / "r" / "report.json").read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r")] == []


def test_abstention_writes_recommended_setting(
    runner: CliRunner, files: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, queries = files
    env = tmp_path / "tuned.env"
    env.write_text("KMS_FUSION=rrf\nKMS_ANSWER_THRESHOLD=0.9\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "eval",
            "abstention",
            "--corpus",
            str(corpus),
            "--queries",
            str(queries),
            "--out",
            str(tmp_path / "x"),
            "--target-far",
            "0.5",
            "--write-setting",
            "--env-file",
            str(env),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "x" / "report.json").read_text(encoding="utf-8"))
    value = report["metrics"]["recommended_threshold"]
    assert env.read_text(encoding="utf-8") == f"KMS_FUSION=rrf\nKMS_ANSWER_THRESHOLD={value:g}\n"
    assert report["details"]["curve"][0]["threshold"] == 0.0


def test_topics_and_bench_commands(runner: CliRunner, files: tuple[Path, Path], tmp_path: Path) -> None:
    items = write_jsonl(
        tmp_path / "items.jsonl",
        [
            {"text": t, "label": t[:2]}
            for t in ["환불 언제", "환불 언제요", "배송 늦어요", "배송 늦음", "쿠폰 한 장", "쿠폰 두 장"]
        ],
    )
    result = runner.invoke(
        app,
        [
            "eval",
            "topics",
            "--items",
            str(items),
            "--out",
            str(tmp_path / "t"),
            "--method",
            "agglomerative,community",
            "--param",
            "threshold=0.5",
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "t" / "report.json").read_text(encoding="utf-8"))["metrics"]
    assert {
        "agglomerative/nmi",
        "community[threshold=0.5]/ari",
        "community[threshold=0.5]/nmi",
    } <= metrics.keys()
    bad = runner.invoke(app, ["eval", "topics", "--items", str(items), "--param", "eps"])
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.output
    corpus, _ = files
    result = runner.invoke(
        app,
        [
            "bench",
            "--corpus",
            str(corpus),
            "--sizes",
            "2,4",
            "--queries",
            "3",
            "--embed-max",
            "2",
            "--out",
            str(tmp_path / "b"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "b" / "report.json").read_text(encoding="utf-8"))
    assert report["metrics"]["n4/search_ms_p95"] > 0 and report["metrics"]["n4/peak_rss_mb"] > 0
    assert any("synthetic vectors beyond 2 embedded chunks" in n for n in report["notes"])


def test_dataset_changes_against_baseline() -> None:
    old = {"files": [{"path": "a", "sha256": "1"}, {"path": "b", "sha256": "2"}]}
    new = {
        "files": [{"path": "a", "sha256": "1"}, {"path": "b", "sha256": "3"}, {"path": "c", "sha256": "4"}]
    }
    assert dataset_changes(new, old) == ["changed: b", "new: c"]
    assert dataset_changes(old, old) == []

"""Evaluation pages: finding run folders, serving a run's files as-is, and path safety."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assist.errors import NotFoundError
from assist.web.evals import BASELINES, eval_roots, list_runs, resolve_run_file
from tests.browser.webapp import EVAL_RUN, page_client, web_kb_copy


def _run(folder: Path, *, created: str, value: float = 0.5, html: bool = True) -> Path:
    folder.mkdir(parents=True)
    report = {
        "kind": "retrieval",
        "created_at": created,
        "primary_metric": "recall@5",
        "primary_value": value,
        "dataset": {"name": "ds"},
    }
    (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")
    if html:
        (folder / "report.html").write_text("<h1>report</h1>", encoding="utf-8")
    return folder


@pytest.fixture
def roots(tmp_path: Path) -> dict[str, Path]:
    runs, base = tmp_path / "eval-runs", tmp_path / "baselines"
    _run(runs / "old", created="2026-01-01T00:00:00")
    _run(runs / "group" / "new", created="2026-11-01T00:00:00", value=0.9)
    _run(runs / ".partial-x", created="2026-12-01T00:00:00")  # a half-written run: hidden
    (runs / "broken").mkdir()
    (runs / "broken" / "report.json").write_text("{not json", encoding="utf-8")
    _run(base / "sample_kb", created="2026-06-01T00:00:00", html=False)
    (runs / "secret.txt").write_text("outside any run", encoding="utf-8")
    return {"runs": runs, "baselines": base}


def test_list_runs_newest_first_with_their_metric(roots: dict[str, Path]) -> None:
    runs = list_runs(roots)
    assert [r.run_id for r in runs] == ["runs/group/new", "baselines/sample_kb", "runs/old", "runs/broken"]
    new = runs[0]
    assert (new.kind, new.dataset, new.primary_metric, new.primary_value) == (
        "retrieval",
        "ds",
        "recall@5",
        0.9,
    )
    assert new.has_html and not runs[1].has_html
    assert runs[-1].problem and "report.json unreadable" in runs[-1].problem
    assert list_runs({"runs": roots["runs"] / "missing"}) == []


def test_resolve_run_file_stays_inside_run_folders(roots: dict[str, Path], tmp_path: Path) -> None:
    assert (
        resolve_run_file(roots, "runs", "group/new/report.html")
        == (roots["runs"] / "group" / "new" / "report.html").resolve()
    )
    (tmp_path / "outside.txt").write_text("no", encoding="utf-8")
    (roots["runs"] / "old" / "escape.txt").symlink_to(tmp_path / "outside.txt")
    for source, path in [
        ("runs", "../outside.txt"),
        ("runs", "old/../../outside.txt"),
        ("runs", "secret.txt"),  # not inside a run folder
        ("runs", ".partial-x/report.html"),
        ("runs", "old/escape.txt"),  # a symlink out of the root
        ("runs", "old/missing.png"),
        ("nowhere", "old/report.html"),
        ("runs", ""),
    ]:
        with pytest.raises(NotFoundError):
            resolve_run_file(roots, source, path)


def test_default_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import Settings

    monkeypatch.chdir(tmp_path)
    roots = eval_roots(Settings(data_dir=tmp_path / ".kms", embedder="hash"))
    assert roots == {
        "runs": tmp_path / ".kms" / "eval-runs",
        "local": tmp_path / "eval-runs",
        "baselines": BASELINES,
    }
    assert BASELINES.parent.name == "eval"
    assert "local" not in eval_roots(Settings(data_dir=tmp_path, embedder="hash"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = web_kb_copy(tmp_path_factory.mktemp("web") / "kb")
    with page_client(settings) as c:
        yield c


def test_eval_pages(client: TestClient) -> None:
    listing = client.get("/eval").text
    assert f'href="/eval/runs/{EVAL_RUN}/report.html"' in listing
    assert "hybrid/ndcg@10" in listing and "0.8123" in listing and "tinykb-smoke" in listing
    report = client.get(f"/eval/runs/{EVAL_RUN}/report.html")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "<img id='plot'" in report.text and "data:image/png;base64," in report.text
    assert report.headers["x-content-type-options"] == "nosniff"
    folder = client.get(f"/eval/runs/{EVAL_RUN}", follow_redirects=False)
    assert folder.status_code == 303 and folder.headers["location"] == f"/eval/runs/{EVAL_RUN}/report.html"
    for bad in ("/eval/runs/..%2Fkms.db", "/eval/runs/%2e%2e/kms.db", "/eval/nope/x/report.html"):
        r = client.get(bad)
        assert r.status_code == 404 and "찾을 수 없습니다" in r.text, bad

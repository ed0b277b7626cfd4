"""`kms ingest --engine ray` (ingest.ray_engine) gives what the local pipeline gives: the same chunk
ids and texts, the same PII masking, the same vectors and the same search results; a re-ingest re-uses
unchanged vectors the same way. One local Ray (2 CPUs) for the module; the tiny KB, hash embedder."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from indexes import store
from indexes.embedder import load_embedder
from indexes.hybrid import HybridIndex, SearchParams
from ingest import ray_engine
from ingest.pipeline import IngestReport, ingest_paths, reindex
from ingest.sources.helpdesk import import_helpdesk
from tests.tinykb import TINY

HELPDESK = Path(__file__).resolve().parents[1] / "data" / "helpdesk"

ray = pytest.importorskip("ray")

PII_ARTICLE = """# 배송지 변경

## 정책
배송 시작 전까지 배송지를 바꿀 수 있습니다. 담당자 연락처: 010-9876-5432, minsu.kim@gmail.com

## 단계별 절차
1. 주문 상세에서 배송지 변경을 누릅니다.
2. 고객 김민수 님의 새 주소 서울시 강남구 테헤란로 123을 입력합니다.
"""
QUERIES = ("환불 언제 들어와요", "비밀번호를 잊어버렸어요", "배송지 변경", "택배가 안 와요")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")  # Ray's FutureWarning otherwise
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedder="hash")  # type: ignore[call-arg]


def _ingest(engine: str, source: Path, data_dir: Path) -> IngestReport:
    settings = _settings(data_dir)
    if engine == "local":
        report = ingest_paths([source], settings)
    else:
        with ray_engine.connect(workers=2) as eng:
            report = ingest_paths([source], settings, engine=eng)
    assert report.ok, report.issues
    return report


def _index(data_dir: Path) -> HybridIndex:
    settings = _settings(data_dir)
    return store.load_current(settings.index_root, load_embedder(settings))


def _assert_same(a: Path, b: Path) -> None:
    local, distributed = _index(a), _index(b)
    assert [c.chunk_id for c in distributed.chunks] == [c.chunk_id for c in local.chunks]
    assert [c.text for c in distributed.chunks] == [c.text for c in local.chunks]
    assert [(c.body, c.title, c.meta) for c in distributed.chunks] == [
        (c.body, c.title, c.meta) for c in local.chunks
    ]
    vids = [c.vid for c in local.chunks]
    np.testing.assert_allclose(distributed.dense.vectors_for(vids), local.dense.vectors_for(vids), atol=1e-6)
    params = SearchParams.from_settings(_settings(a))
    for query in QUERIES:
        want = [(h.doc_id, round(h.score, 6)) for h in local.search(query, params)]
        got = [(h.doc_id, round(h.score, 6)) for h in distributed.search(query, params)]
        assert got == want, query


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("src") / "kb"
    shutil.copytree(TINY, folder)
    (folder / "address.md").write_text(PII_ARTICLE, encoding="utf-8")
    return folder


def test_ray_ingest_equals_local(local_ray: None, source: Path, tmp_path: Path) -> None:
    local = _ingest("local", source, tmp_path / "local")
    distributed = _ingest("ray", source, tmp_path / "ray")
    assert distributed.masked == local.masked and local.masked["phone"] >= 2
    assert (distributed.articles, distributed.tickets) == (local.articles, local.tickets)
    assert distributed.build == local.build
    _assert_same(tmp_path / "local", tmp_path / "ray")
    texts = "\n".join(c.text for c in _index(tmp_path / "ray").chunks)
    assert "010-9876-5432" not in texts and "minsu.kim@gmail.com" not in texts
    assert "010-1234-5678" not in texts and "[전화번호]" in texts and "[이메일]" in texts

    # a changed article: both engines re-embed only its chunks and still agree
    article = source / "address.md"
    article.write_text(PII_ARTICLE.replace("배송 시작 전까지", "출고 전까지"), encoding="utf-8")
    local = _ingest("local", source, tmp_path / "local")
    distributed = _ingest("ray", source, tmp_path / "ray")
    assert distributed.build == local.build and 0 < local.build.embedded < local.build.chunks
    _assert_same(tmp_path / "local", tmp_path / "ray")


def test_ray_helpdesk_import_and_reindex_equal_local(local_ray: None, source: Path, tmp_path: Path) -> None:
    """`kms ingest --from zendesk --engine ray` and `kms reindex --engine ray`: the export is read in
    this process, Ray chunks and embeds, and the index is the one the local pipeline builds."""
    export = HELPDESK / "zendesk_tickets.json"
    reports = {}
    for engine in ("local", "ray"):
        data_dir = tmp_path / engine
        _ingest(engine, source, data_dir)
        settings = _settings(data_dir)
        if engine == "local":
            reports[engine] = import_helpdesk([export], "zendesk", settings)
        else:
            with ray_engine.connect(workers=2) as eng:
                reports[engine] = import_helpdesk([export], "zendesk", settings, engine=eng)
    local, distributed = reports["local"], reports["ray"]
    assert local.ok and distributed.ok, (local.issues, distributed.issues)
    assert local.tickets["created"] > 0 and distributed.tickets == local.tickets
    assert distributed.masked == local.masked and distributed.build == local.build
    _assert_same(tmp_path / "local", tmp_path / "ray")
    assert any(c.doc_type == "ticket" for c in _index(tmp_path / "ray").chunks)

    # a rebuild from the database on Ray: the same index again, every vector re-used
    with ray_engine.connect(workers=2) as eng:
        rebuilt = reindex(_settings(tmp_path / "ray"), engine=eng)
    assert rebuilt.build.chunks > 0 and rebuilt.build.embedded == 0
    _assert_same(tmp_path / "local", tmp_path / "ray")


def test_precomputed_embedder_falls_back_for_unknown_texts() -> None:
    base = load_embedder(_settings(Path("/nonexistent")))
    known = base.embed_documents(["가"])[0]
    emb = ray_engine.PrecomputedEmbedder(base, {"가": known})
    out = emb.embed_documents(["가", "나"])
    np.testing.assert_allclose(out, base.embed_documents(["가", "나"]), atol=1e-6)
    assert emb.missed == 1 and (emb.model_id, emb.dim) == (base.model_id, base.dim)


def test_missing_ray_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(ray_engine.RayEngineError) as err, ray_engine.connect():
        pass
    assert str(err.value) == ray_engine.MISSING_RAY
    assert "pip install 'kms-assist[scale]'" in str(err.value)


def test_unreachable_address_fails_fast_in_one_line_naming_it() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"127.0.0.1:{port}"
    with pytest.raises(ray_engine.RayEngineError) as err, ray_engine.connect(address):
        pass
    assert str(err.value).startswith(f"cannot reach the Ray cluster at {address}: ")
    assert "\n" not in str(err.value)


def test_ray_init_failure_is_one_line_naming_the_address() -> None:
    class Unreachable:
        def init(self, **kwargs: object) -> None:
            raise ConnectionError("Could not find any running Ray instance.\nPlease specify one.")

    with pytest.raises(ray_engine.RayEngineError) as err:
        ray_engine._ray_init(Unreachable(), "10.0.0.9:6379", None)
    assert str(err.value) == (
        "cannot reach the Ray cluster at 10.0.0.9:6379: Could not find any running Ray instance."
    )

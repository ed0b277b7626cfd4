"""indexes.onnx_export.externalise: an export's weights move into ``model.onnx_data`` (memory-mapped
by ONNX Runtime, so a cold process creates its session without copying them), once, crash-safe,
and the vectors stay the same bits. A tiny real model: a 1,024 x 64 embedding table (256 KB)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from indexes import onnx_export
from indexes.onnx_embedder import OnnxEmbedder
from indexes.onnx_export import data_file, ensure_onnx, externalise, onnx_file
from tests.onnxhelp import save_embedding_model, save_word_tokenizer

ROWS, DIM = 1024, 64
WORDS = ["<pad>", "<unk>", "환불", "언제", "되나요", "배송", "지연", "query:"]


def _write(folder: Path) -> Path:
    save_word_tokenizer(folder, WORDS)
    table = np.random.default_rng(3).normal(size=(ROWS, DIM)).astype(np.float32)
    return save_embedding_model(table, onnx_file(folder, "fp32"))


def _vectors(folder: Path, model: Path) -> np.ndarray:
    emb = OnnxEmbedder(folder, model, model_id="tiny", precision="fp32", threads=1, query_prefix="query: ")
    return emb.embed_queries(["환불 언제 되나요", "배송 지연", "모르는 말"])


@pytest.fixture()
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onnx_export, "EXTERNALISE_ABOVE", 64 * 1024)  # the table is 256 KB


@pytest.mark.usefixtures("small_threshold")
def test_externalise_moves_the_weights_and_keeps_the_vectors(tmp_path: Path) -> None:
    model = _write(tmp_path / "m")
    before = _vectors(tmp_path / "m", model)
    assert model.stat().st_size > ROWS * DIM * 4 and not data_file(model).exists()
    assert externalise(model) is True
    assert model.stat().st_size < 4096  # the graph only
    assert data_file(model).stat().st_size >= ROWS * DIM * 4
    assert np.array_equal(_vectors(tmp_path / "m", model), before)  # the same bits
    assert sorted(p.name for p in model.parent.iterdir()) == ["model.onnx", "model.onnx_data"]  # no leftovers
    assert externalise(model) is False  # once


@pytest.mark.usefixtures("small_threshold")
def test_ensure_onnx_splits_an_existing_one_file_export_once(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    model = _write(folder)
    assert ensure_onnx(folder, "fp32") == model  # an export written before external data: split now
    assert data_file(model).is_file()
    stamp = data_file(model).stat().st_mtime_ns, model.stat().st_mtime_ns
    assert ensure_onnx(folder, "fp32") == model
    assert (data_file(model).stat().st_mtime_ns, model.stat().st_mtime_ns) == stamp  # not rewritten


def test_small_models_stay_one_file(tmp_path: Path) -> None:
    model = _write(tmp_path / "m")  # 256 KB, under the default 16 MiB
    assert externalise(model) is False
    assert not data_file(model).exists()


@pytest.mark.usefixtures("small_threshold")
def test_an_interrupted_split_leaves_the_one_file_export_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "m"
    model = _write(folder)
    before = _vectors(folder, model)
    real_replace = os.replace
    calls: list[str] = []

    def crash_on_graph(src: object, dst: object) -> None:
        calls.append(str(dst))
        if str(dst) == str(model):
            raise OSError("disk full")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", crash_on_graph)
    with pytest.raises(OSError):
        externalise(model)
    monkeypatch.setattr(os, "replace", real_replace)
    assert np.array_equal(_vectors(folder, model), before)  # the old graph still holds its weights
    assert sorted(p.name for p in folder.joinpath("onnx").iterdir()) == ["model.onnx", "model.onnx_data"]
    assert externalise(model) is True  # the next load finishes the job
    assert np.array_equal(_vectors(folder, model), before)


@pytest.mark.usefixtures("small_threshold")
def test_int8_is_quantised_from_an_externalised_fp32_export(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    fp32 = _write(folder)
    assert externalise(fp32)
    int8 = onnx_file(folder, "int8")
    onnx_export._quantise(fp32, int8)  # reads the fp32 weights from model.onnx_data
    emb = OnnxEmbedder(folder, int8, model_id="tiny", precision="int8", threads=1, query_prefix="query: ")
    cos = (emb.embed_queries(["환불 언제 되나요"]) * _vectors(folder, fp32)[:1]).sum()
    assert cos > 0.99

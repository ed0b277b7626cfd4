"""The ONNX Runtime embedder on a tiny real model: a 4-dimensional embedding table as an ONNX graph
(``Gather`` then the attention mask) and a word-level ``tokenizer.json``, so pooling,
normalisation, prefixes, padding and export discovery are checked exactly, without torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from indexes.embedder import load_embedder
from indexes.onnx_embedder import OnnxEmbedder, find_export
from tests.onnxhelp import save_embedding_model, save_word_tokenizer

ROOT = Path(__file__).resolve().parents[2]
VOCAB = ["<pad>", "<unk>", "query:", "passage:", "환불", "언제", "되나요", "배송", "지연"]
DIM = 4


def _table() -> np.ndarray:
    rng = np.random.default_rng(7)
    table = rng.normal(size=(len(VOCAB), DIM)).astype(np.float32)
    table[0] = 100.0  # padding rows must never reach a vector: a leak would dominate it
    return table


def _write_model(folder: Path, name: str = "onnx/model.onnx") -> Path:
    save_word_tokenizer(folder, VOCAB)
    return save_embedding_model(_table(), folder / name)


def _expected(*words: str) -> np.ndarray:
    table = _table()
    vec = table[[VOCAB.index(w) for w in words]].mean(axis=0)
    return vec / np.linalg.norm(vec)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny-model"
    _write_model(folder)
    return folder


def _embedder(folder: Path, **kwargs: object) -> OnnxEmbedder:
    return OnnxEmbedder(
        folder, folder / "onnx" / "model.onnx", model_id="tiny", precision="fp32", threads=1, **kwargs
    )  # type: ignore[arg-type]


def test_mean_pooling_over_the_mask_and_l2_normalisation(folder: Path) -> None:
    emb = _embedder(folder)
    assert (emb.dim, emb.runtime, emb.precision) == (DIM, "onnx", "fp32")
    got = emb.embed_documents(["환불 언제", "배송 지연 되나요 환불 언제"])
    np.testing.assert_allclose(got[0], _expected("환불", "언제"), rtol=1e-5)
    np.testing.assert_allclose(got[1], _expected("배송", "지연", "되나요", "환불", "언제"), rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, rtol=1e-6)
    assert got.dtype == np.float32


def test_a_text_gets_the_same_vector_alone_or_padded_in_a_batch(folder: Path) -> None:
    emb = _embedder(folder, batch_size=2)
    texts = ["환불", "배송 지연 되나요 환불 언제", "언제 되나요"]
    batched = emb.embed_documents(texts)
    alone = np.vstack([emb.embed_documents([t]) for t in texts])
    np.testing.assert_allclose(batched, alone, rtol=1e-6)


def test_prefixes_are_applied_per_kind(folder: Path) -> None:
    emb = _embedder(folder, query_prefix="query: ", passage_prefix="passage: ")
    np.testing.assert_allclose(emb.embed_queries(["환불"])[0], _expected("query:", "환불"), rtol=1e-5)
    np.testing.assert_allclose(emb.embed_documents(["환불"])[0], _expected("passage:", "환불"), rtol=1e-5)
    assert emb.embed_queries([]).shape == (0, DIM)


def test_long_texts_are_truncated_to_512_tokens(folder: Path) -> None:
    emb = _embedder(folder)
    long_text = " ".join(["환불"] * 600 + ["배송"] * 100)  # 배송 lies past token 512: cut off
    np.testing.assert_allclose(emb.embed_documents([long_text])[0], _expected("환불"), rtol=1e-5)


def test_find_export_by_precision(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    assert find_export(folder, "fp32") is None
    _write_model(folder, "onnx/model_qint8_avx2.onnx")
    assert find_export(folder, "int8") == folder / "onnx/model_qint8_avx2.onnx"
    assert find_export(folder, "fp32") is None
    _write_model(folder, "model.onnx")
    assert find_export(folder, "fp32") == folder / "model.onnx"


def test_load_embedder_serves_a_local_folder_through_its_export(folder: Path, tmp_path: Path) -> None:
    emb = load_embedder(Settings(data_dir=tmp_path / "kms", embedder=str(folder)))
    assert isinstance(emb, OnnxEmbedder)
    assert (emb.model_id, emb.precision) == (str(folder), "fp32")
    # int8 asked for, only an fp32 export there: served at fp32 (and the manifest will say so)
    emb8 = load_embedder(Settings(data_dir=tmp_path / "kms", embedder=str(folder), embed_precision="int8"))
    assert emb8.precision == "fp32"


def test_serving_through_onnx_never_imports_torch(folder: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from indexes.embedder import load_embedder\n"
        "from core.settings import Settings\n"
        f"s = Settings(data_dir=Path({str(tmp_path / 'kms')!r}), embedder={str(folder)!r})\n"
        "e = load_embedder(s)\n"
        "assert e.runtime == 'onnx', e.runtime\n"
        "assert e.embed_queries(['환불 언제 되나요']).shape == (1, 4)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

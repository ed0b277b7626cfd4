"""Dense vectors stored as float16 or float32 (``KMS_DENSE_VECTORS``, indexes/dense.py): what each
index stores, how a folder records it, and that a float32 folder written before keeps serving."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.types import Chunk
from indexes import compaction, store
from indexes.dense import VECTOR_TYPES, DenseIndex
from indexes.embedder import HashEmbedder
from indexes.hybrid import SearchParams
from indexes.lexical import tokenize_many
from indexes.segments import DeltaOp

EMB = HashEmbedder(64)
TEXTS = {
    "a1": "환불은 카드 취소 후 3~5영업일 안에 처리됩니다",
    "a2": "배송이 지연되면 문자로 안내합니다",
    "a3": "결제가 두 번 되었을 때 이중 결제를 취소합니다",
    "a4": "비밀번호 재설정은 로그인 화면에서 합니다",
}


def _chunks(texts: dict[str, str] = TEXTS) -> list[Chunk]:
    return [
        Chunk(f"article:{k}#policy-0", f"article:{k}", "article", f"제목 {k}", "policy", v, v)
        for k, v in texts.items()
    ]


def _unit(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
@pytest.mark.parametrize("vectors_type", VECTOR_TYPES)
def test_each_storage_is_what_the_index_reports_and_returns(kind: str, vectors_type: str) -> None:
    vecs = _unit(50)
    index = DenseIndex.build(vecs, np.arange(100, 150), 32, kind, vectors_type=vectors_type)
    assert index.vectors == vectors_type
    kept = index.vectors_for([100, 149])
    assert np.array_equal(kept, index.stored(vecs[[0, 49]]))  # what stored() says it keeps
    if vectors_type == "float32":
        assert np.array_equal(kept, vecs[[0, 49]])
    else:  # rounded through half precision: close, not equal
        assert not np.array_equal(kept, vecs[[0, 49]]) and np.abs(kept - vecs[[0, 49]]).max() < 1e-3
    hits = index.search(vecs[7], 3)
    assert hits[0][0] == 107 and hits[0][1] == pytest.approx(1.0, abs=1e-3)


def test_float16_ranks_as_float32_does_up_to_its_rounding() -> None:
    vecs, queries = _unit(2000, seed=1), _unit(30, seed=2)
    ids = np.arange(2000)
    half = DenseIndex.build(vecs, ids, 32, vectors_type="float16")
    full = DenseIndex.build(vecs, ids, 32, vectors_type="float32")
    for q in queries:
        a, b = half.search(q, 10), full.search(q, 10)
        assert a[0][0] == b[0][0]
        assert max(abs(x[1] - dict(b).get(x[0], x[1])) for x in a) < 1e-3
        exact = half.vectors_for([i for i, _ in a]) @ q  # the score is the decoded vector's product
        np.testing.assert_allclose([s for _, s in a], exact, atol=1e-5)


def test_an_unknown_storage_is_refused() -> None:
    with pytest.raises(ValueError, match="float16"):
        DenseIndex.build(_unit(2), np.arange(2), 32, vectors_type="bfloat16")


def test_the_folder_records_its_storage_and_a_float32_folder_keeps_serving(tmp_path: Path) -> None:
    half_cfg, full_cfg = store.IndexConfig(), store.IndexConfig(dense_vectors="float32")
    assert half_cfg.dense_vectors == "float16"  # the default
    index, _ = store.build(_chunks(), EMB, full_cfg)  # as every folder was written before
    folder = store.persist(index, tmp_path, full_cfg)
    assert json.loads((folder / "manifest.json").read_text())["dense"]["vectors"] == "float32"
    loaded = store.load(folder, EMB, half_cfg)  # configured float16: the folder serves as built
    assert loaded.dense.vectors == "float32"
    q = "환불이 언제 되나요"
    assert loaded.search(q, SearchParams(k=1))[0].doc_id == "article:a1"
    op = DeltaOp(
        chunks=tuple(_chunks({"a5": "환불 계좌가 바뀌면 새 계좌로 환불합니다"})),
        vectors=EMB.embed_documents(["환불 계좌가 바뀌면 새 계좌로 환불합니다"]),
        tokens=tuple(tokenize_many(["환불 계좌가 바뀌면 새 계좌로 환불합니다"])),
    )
    edited = compaction.write_ops(loaded, folder, tmp_path, [op])
    done = compaction.compact(edited, folder, tmp_path, half_cfg)
    assert done is not None
    compacted, new_folder = done
    assert compacted.dense.vectors == "float32"  # a compaction moves vectors, it does not re-store them
    assert json.loads((new_folder / "manifest.json").read_text())["dense"]["vectors"] == "float32"
    rebuilt, _ = store.build(list(compacted.chunks), EMB, half_cfg, previous=compacted)
    again = store.persist(rebuilt, tmp_path, half_cfg)  # a reindex takes the configured storage
    assert json.loads((again / "manifest.json").read_text())["dense"]["vectors"] == "float16"
    assert store.load(again, EMB).dense.vectors == "float16"

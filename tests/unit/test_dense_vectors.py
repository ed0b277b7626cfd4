"""Dense vectors stored as float16 or float32 (``KMS_DENSE_VECTORS``, indexes/dense.py): what each
index stores and returns, and how float16 ranks against float32. How a folder records its storage:
tests/unit/test_store.py."""

from __future__ import annotations

import numpy as np
import pytest

from indexes.dense import VECTOR_TYPES, DenseIndex


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

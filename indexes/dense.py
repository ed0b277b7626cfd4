"""Dense leg: FAISS inner product over L2-normalised vectors.

``IndexIDMap2`` keeps our stable int64 chunk ids, so vectors can be looked up by id
(re-used when content is unchanged) and removed by id. ``flat`` is exact; ``hnsw`` is
approximate for large corpora.

Vectors are stored as ``float16`` (FAISS's fp16 scalar quantizer, the default) or ``float32``.
Half precision halves the index's memory and the bytes a flat search reads
(``benchmarks/dense_storage.py``: 100k 384-dim vectors, one query, one thread, p50 6.14 → 3.66 ms,
146 → 73 MB); a unit vector's components keep 11 significant bits, so a score moves by about 1e-4
(the same benchmark ranks the shared sets' questions both ways: equal R@5 and MRR@10). Scores
are computed in float32 from the decoded vectors, and :meth:`DenseIndex.stored` rounds vectors
the way the index stores them, so a delta segment scores its rows exactly as a rebuild would.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, cast

import faiss
import numpy as np

from core.errors import IndexCorruptError

# One query at a time: FAISS's OpenMP workers only fight the embedding model for the cores
# (measured: a 200-vector flat search took 2.9 ms with 2 threads, 0.007 ms with 1).
faiss.omp_set_num_threads(1)


VECTOR_TYPES = ("float16", "float32")


def new_index(
    dim: int, kind: str = "flat", *, hnsw_m: int = 32, vectors: str = "float32"
) -> faiss.IndexIDMap2:
    if vectors not in VECTOR_TYPES:
        raise ValueError(f"unknown dense vector type {vectors!r}; use one of {', '.join(VECTOR_TYPES)}")
    half, ip = vectors == "float16", faiss.METRIC_INNER_PRODUCT
    fp16: Any = faiss.ScalarQuantizer.QT_fp16  # the SWIG stubs type the quantizer enum as its class
    inner: faiss.Index
    if kind == "flat":
        inner = faiss.IndexScalarQuantizer(dim, fp16, ip) if half else faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        graph: Any = (
            faiss.IndexHNSWSQ(dim, fp16, hnsw_m, ip) if half else faiss.IndexHNSWFlat(dim, hnsw_m, ip)
        )
        graph.hnsw.efConstruction = 200
        inner = graph
    else:
        raise ValueError(f"unknown dense index type {kind!r}; use 'flat' or 'hnsw'")
    return faiss.IndexIDMap2(inner)


def vector_type(index: faiss.IndexIDMap2) -> str:
    """How ``index`` stores its vectors: ``float16`` (fp16 scalar quantizer) or ``float32``."""
    inner = faiss.downcast_index(index.index)
    store = faiss.downcast_index(inner.storage) if isinstance(inner, faiss.IndexHNSW) else inner
    if isinstance(store, faiss.IndexFlat):
        return "float32"
    if isinstance(store, faiss.IndexScalarQuantizer) and store.sq.qtype == faiss.ScalarQuantizer.QT_fp16:
        return "float16"
    raise IndexCorruptError(f"unsupported FAISS vector storage {type(store).__name__}")


class DenseIndex:
    """A FAISS index plus the settings needed to search it."""

    def __init__(
        self, index: faiss.IndexIDMap2, kind: str, *, ef_search: int = 128, hnsw_m: int = 32
    ) -> None:
        self.index = index
        self.kind = kind
        self.vectors = vector_type(index)  # float16 or float32, as the index was built
        self.hnsw_m = hnsw_m  # what a rebuild (compaction) uses
        self._lock = threading.Lock()  # FAISS is not safe for concurrent add/remove and search
        self.ef_search = ef_search
        if kind == "hnsw":
            cast(Any, faiss.downcast_index(index.index)).hnsw.efSearch = ef_search

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        ids: np.ndarray,
        dim: int,
        kind: str = "flat",
        *,
        hnsw_m: int = 32,
        ef_search: int = 128,
        vectors_type: str = "float32",
    ) -> DenseIndex:
        index = new_index(dim, kind, hnsw_m=hnsw_m, vectors=vectors_type)
        out = cls(index, kind, ef_search=ef_search, hnsw_m=hnsw_m)
        out.add(vectors, ids)
        return out

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        if len(ids):
            with self._lock:
                self.index.add_with_ids(
                    np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
                )

    def stored(self, vectors: np.ndarray) -> np.ndarray:
        """``vectors`` as this index stores them (float32, rounded through float16 if it halves)."""
        out = np.asarray(vectors, dtype=np.float32)
        return out.astype(np.float16).astype(np.float32) if self.vectors == "float16" else out

    def remove(self, ids: np.ndarray) -> int:
        if self.kind == "hnsw":  # HNSW can't delete; callers rebuild instead
            raise NotImplementedError("HNSW indexes are rebuilt, not edited")
        with self._lock:
            # the Python wrapper takes an id array (the SWIG signature says IDSelector)
            return int(cast(Any, self.index).remove_ids(np.asarray(ids, dtype=np.int64)))

    def vectors_for(self, ids: list[int]) -> np.ndarray:
        """Stored vectors of the given ids (KeyError-free: callers pass known ids)."""
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        with self._lock:
            for row, vid in enumerate(ids):
                out[row] = self.index.reconstruct(int(vid))
        return out

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.size == 0 or k <= 0:
            return []
        with self._lock:
            scores, ids = self.index.search(
                np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), min(k, self.size)
            )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, kind: str, *, ef_search: int = 128, hnsw_m: int = 32) -> DenseIndex:
        try:
            index = faiss.read_index(str(path))
        except (RuntimeError, MemoryError, ValueError) as exc:
            raise IndexCorruptError(f"cannot read FAISS index {path}: {exc}") from exc
        if not isinstance(index, faiss.IndexIDMap2):
            raise IndexCorruptError(f"FAISS index {path} has no id map ({type(index).__name__})")
        return cls(index, kind, ef_search=ef_search, hnsw_m=hnsw_m)

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every stored id and its vector, in storage order (flat and HNSW keep the vectors)."""
        with self._lock:
            ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)
            vectors = self.index.index.reconstruct_n(0, self.size) if self.size else None
        if vectors is None:
            return ids, np.zeros((0, self.dim), dtype=np.float32)
        return ids, np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)

    def id_array(self) -> np.ndarray:
        """The stored vector ids (the id map), in storage order, as int64."""
        with self._lock:
            return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def ids(self) -> list[int]:
        """The stored vector ids (the id map)."""
        with self._lock:
            return [int(i) for i in faiss.vector_to_array(self.index.id_map)]

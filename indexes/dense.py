"""Dense leg: FAISS inner product over L2-normalised float32 vectors.

``IndexIDMap2`` keeps our stable int64 chunk ids, so vectors can be looked up by id
(re-used when content is unchanged) and removed by id. ``flat`` is exact; ``hnsw`` is
approximate for large corpora.
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


def new_index(dim: int, kind: str = "flat", *, hnsw_m: int = 32) -> faiss.IndexIDMap2:
    inner: faiss.Index
    if kind == "flat":
        inner = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        graph = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = 200
        inner = graph
    else:
        raise ValueError(f"unknown dense index type {kind!r}; use 'flat' or 'hnsw'")
    return faiss.IndexIDMap2(inner)


class DenseIndex:
    """A FAISS index plus the settings needed to search it."""

    def __init__(
        self, index: faiss.IndexIDMap2, kind: str, *, ef_search: int = 128, hnsw_m: int = 32
    ) -> None:
        self.index = index
        self.kind = kind
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
    ) -> DenseIndex:
        index = new_index(dim, kind, hnsw_m=hnsw_m)
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

"""Index backends: the hybrid search the product calls, behind one small interface.

``local`` is :class:`indexes.hybrid.HybridIndex` (FAISS + BM25 folder, the default); ``milvus`` is
:class:`indexes.backends.milvus.MilvusBackend` (a Milvus collection: dense vector + BM25 sparse
field over the same Kiwi morphemes). Both rank with the product's fusion (``indexes.backends.fuse``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from core.types import Chunk, ChunkHit, DocHit
from indexes.hybrid import SearchParams, SearchTrace


@runtime_checkable
class SearchBackend(Protocol):
    """What the product searches: chunks fused from a dense and a BM25 leg, and documents
    ranked by their best chunks (``HybridIndex`` and ``MilvusBackend`` both satisfy it)."""

    def search_chunks(
        self,
        query: str,
        params: SearchParams,
        *,
        qvec: np.ndarray | None = None,
        trace: SearchTrace | None = None,
    ) -> list[ChunkHit]: ...

    def search(
        self,
        query: str,
        params: SearchParams,
        *,
        qvec: np.ndarray | None = None,
        trace: SearchTrace | None = None,
    ) -> list[DocHit]: ...


@runtime_checkable
class MutableBackend(SearchBackend, Protocol):
    """A backend written in place (a server-side engine): upserts and deletes are visible to the
    next search. (``HybridIndex`` instead returns a new index: ``added``/``removed``.)"""

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[list[str]]) -> None: ...

    def delete(self, chunk_ids: Collection[str]) -> None: ...

    def delete_docs(self, doc_ids: Collection[str]) -> None: ...

    def count(self) -> int: ...


__all__ = ["MutableBackend", "SearchBackend"]

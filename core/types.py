"""Value types shared by the index code and its callers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

DocType = Literal["article", "ticket", "doc"]


def content_hash(text: str) -> str:
    """Stable hash of a chunk's text (what decides whether it must be re-embedded)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def vector_id(chunk_id: str) -> int:
    """Stable positive int64 FAISS id derived from a chunk id."""
    digest = hashlib.blake2b(chunk_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit: a section (piece) of an article, a script Q/A, or a ticket.

    ``text`` is what gets embedded and BM25-indexed (title prefixed); ``body`` is the
    section text shown to people as a snippet.
    """

    chunk_id: str  # stable: "<doc_id>#<section>-<n>"
    doc_id: str  # "article:<id>" | "ticket:<id>" | "doc:<id>"
    doc_type: DocType
    title: str
    section: str  # template section key, "ticket", or "body"
    text: str
    body: str
    meta: dict[str, Any] = field(default_factory=dict)  # tag, updated_at, lang, question, answer, ...

    @property
    def hash(self) -> str:
        return content_hash(self.text)

    @property
    def vid(self) -> int:
        return vector_id(self.chunk_id)


@dataclass
class ChunkHit:
    """A chunk with its fused score and the per-leg evidence."""

    chunk: Chunk
    score: float
    dense: float | None = None  # raw cosine similarity, if the dense leg found it
    lexical: float | None = None  # raw BM25 score, if the lexical leg found it
    dense_rank: int | None = None
    lexical_rank: int | None = None

    @property
    def legs(self) -> list[str]:
        out = []
        if self.dense_rank is not None:
            out.append("dense")
        if self.lexical_rank is not None:
            out.append("bm25")
        return out


@dataclass
class DocHit:
    """A document (article/ticket) ranked by its best chunks."""

    doc_id: str
    doc_type: DocType
    title: str
    score: float
    chunks: list[ChunkHit]  # best first
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def best(self) -> ChunkHit:
        return self.chunks[0]

    @property
    def legs(self) -> list[str]:
        seen: list[str] = []
        for ch in self.chunks:
            for leg in ch.legs:
                if leg not in seen:
                    seen.append(leg)
        return seen

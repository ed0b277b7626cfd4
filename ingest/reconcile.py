"""Make the serving index and the chunks table agree with the database again.

Resolve, approve and article edits commit the database first and write the index after; a
crash or a failed index write in between leaves a resolved ticket (or a new article version)
that is not searchable. ``plan`` compares what the index should hold (published articles and
knowledge tickets, chunked and masked as a build would) with what it holds, per document; the
caller re-indexes the documents that differ (``KnowledgeBase.reconcile``). ``chunk_rows_differ``
says whether the chunks table mirrors the index (ids and content hashes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.masking import mask_chunk
from core.settings import Settings
from core.types import Chunk
from indexes.hybrid import HybridIndex
from ingest.pipeline import chunk_knowledge
from storage.models import ChunkRow


@dataclass
class ReconcilePlan:
    """Documents to (re-)index: ``chunks`` to add after dropping every doc in ``replace_docs``."""

    chunks: list[Chunk] = field(default_factory=list)
    replace_docs: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.replace_docs


def _by_doc(chunks: Sequence[Chunk]) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for c in chunks:
        out.setdefault(c.doc_id, set()).add((c.chunk_id, c.hash))
    return out


def plan(session: Session, settings: Settings, index: HybridIndex) -> ReconcilePlan:
    """What differs between the database's knowledge and ``index``, document by document."""
    expected = [mask_chunk(c, allow=settings.pii_allow) for c in chunk_knowledge(session, settings)]
    want, have = _by_doc(expected), _by_doc(index.chunks)
    docs = sorted(d for d in set(want) | set(have) if want.get(d) != have.get(d))
    wanted = set(docs)
    return ReconcilePlan(chunks=[c for c in expected if c.doc_id in wanted], replace_docs=docs)


def chunk_rows_differ(session: Session, index: HybridIndex) -> bool:
    """True when the chunks table does not hold exactly the index's chunks (ids and hashes)."""
    stored = set(session.execute(select(ChunkRow.id, ChunkRow.content_hash)).tuples())
    return stored != {(c.chunk_id, c.hash) for c in index.chunks}
